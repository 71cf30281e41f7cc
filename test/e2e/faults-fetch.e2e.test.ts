import { faultSuite } from './fault-suite.ts';

// The portable transport (Workers): pull streams, fetch timeouts.
faultSuite('fetch');
