/**
 * OpenAI user content parts → Anthropic blocks (images, files). No fetching: http(s) image URLs
 * become `url` sources, which the first-party API fetches itself.
 * @see ../shared/protocol.md §3.3, §6.2 step 2, §6.9 ("images as data URL vs http URL")
 */
import { GatewayError } from '../../domain/errors.ts';
import type { DocumentBlockParam, ImageBlockParam, ImageSource } from '../../protocol/anthropic/messages.ts';

type ImageMediaType = Extract<ImageSource, { type: 'base64' }>['media_type'];

const IMAGE_TYPES: Record<string, ImageMediaType> = {
  'image/png': 'image/png',
  'image/jpeg': 'image/jpeg',
  'image/jpg': 'image/jpeg',
  'image/gif': 'image/gif',
  'image/webp': 'image/webp',
};

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

interface DataUrl { mediaType: string; data: string }

/** `data:<mime>[;param…];base64,<payload>` (whitespace in the payload tolerated and removed). */
function parseDataUrl(url: string): DataUrl | null {
  const m = /^data:([a-z0-9.+-]+\/[a-z0-9.+-]+)((?:;[a-z0-9_.+-]+=[^;,]*)*);base64,(.*)$/is.exec(url);
  if (!m) return null;
  const data = m[3]!.replace(/\s+/g, '');
  if (data.length === 0 || !BASE64.test(data)) return null;
  return { mediaType: m[1]!.toLowerCase(), data };
}

function bad(message: string, param: string): GatewayError {
  return new GatewayError('invalid_request', message, { param });
}

/** `image_url` part → image block (or a PDF document block for a PDF data URL, as PORTKEY does). */
export function convertImageUrl(url: string, param: string): ImageBlockParam | DocumentBlockParam {
  const trimmed = url.trim();
  if (/^data:/i.test(trimmed)) {
    const parsed = parseDataUrl(trimmed);
    if (!parsed) {
      throw bad(`Invalid '${param}': expected a base64 data URL (data:<media type>;base64,<data>).`, param);
    }
    if (parsed.mediaType === 'application/pdf') {
      return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: parsed.data } };
    }
    const mediaType = IMAGE_TYPES[parsed.mediaType];
    if (!mediaType) {
      throw bad(
        `Invalid '${param}': unsupported image media type '${parsed.mediaType}'. Supported: image/png, image/jpeg, image/gif, image/webp.`,
        param,
      );
    }
    return { type: 'image', source: { type: 'base64', media_type: mediaType, data: parsed.data } };
  }
  if (/^https?:\/\/[^\s]+$/i.test(trimmed)) return { type: 'image', source: { type: 'url', url: trimmed } };
  throw bad(`Invalid '${param}': expected an http(s) URL or a base64 data URL.`, param);
}

function decodeBase64Utf8(data: string): string {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder('utf-8').decode(bytes);
}

const TEXT_EXTENSIONS = /\.(txt|text|md|markdown|csv|log)$/i;

/**
 * `file` part → document block. `file_data` may be a data URL or raw base64 (OpenAI SDKs send the
 * data URL form). PDF → base64 document; text/plain → text document (decoded). `file_id` refers to
 * OpenAI's Files API, which Anthropic cannot read → 400.
 */
export function convertFile(
  file: { file_data?: string | null; file_id?: string | null; filename?: string | null },
  param: string,
): DocumentBlockParam {
  const title = file.filename ? { title: file.filename } : {};
  if (file.file_data == null || file.file_data === '') {
    if (file.file_id) {
      throw new GatewayError(
        'unsupported_parameter',
        `Unsupported '${param}.file_id': file references are not supported; send the file inline as 'file_data'.`,
        { param: `${param}.file_id` },
      );
    }
    throw bad(`Missing required parameter: '${param}.file_data'.`, `${param}.file_data`);
  }
  const dataParam = `${param}.file_data`;
  let mediaType: string;
  let data: string;
  if (/^data:/i.test(file.file_data)) {
    const parsed = parseDataUrl(file.file_data);
    if (!parsed) throw bad(`Invalid '${dataParam}': malformed base64 data URL.`, dataParam);
    ({ mediaType, data } = parsed);
  } else {
    data = file.file_data.replace(/\s+/g, '');
    if (!BASE64.test(data)) throw bad(`Invalid '${dataParam}': expected base64 data or a data URL.`, dataParam);
    // Raw base64: "%PDF" encodes as "JVBER"; otherwise trust a text-like filename.
    if (data.startsWith('JVBER')) mediaType = 'application/pdf';
    else if (file.filename && TEXT_EXTENSIONS.test(file.filename)) mediaType = 'text/plain';
    else mediaType = 'application/octet-stream';
  }
  if (mediaType === 'application/pdf') {
    return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data }, ...title };
  }
  if (mediaType === 'text/plain' || mediaType === 'text/markdown' || mediaType === 'text/csv') {
    let text: string;
    try {
      text = decodeBase64Utf8(data);
    } catch {
      throw bad(`Invalid '${dataParam}': base64 data could not be decoded.`, dataParam);
    }
    return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: text }, ...title };
  }
  throw bad(`Invalid '${dataParam}': unsupported file type '${mediaType}'. Supported: application/pdf, text/plain.`, dataParam);
}
