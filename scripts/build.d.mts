// Types for scripts/build.mjs (imported by the startup test).
export declare const ROOT: string;
export declare const BUNDLE: string;
export declare function buildNodeEntry(): Promise<string>;
