import { randomUUID } from 'node:crypto';
import { domainToASCII } from 'node:url';
import type { OutgoingMail } from './transport.js';

/**
 * A booking email as an RFC 5322 message, built as plain strings and buffers. The layout is
 * the one mail clients expect of an HTML email with inline images:
 *
 *   multipart/alternative
 *     text/plain                    (quoted-printable, UTF-8)
 *     multipart/related             (only when there are images, else text/html alone)
 *       text/html                   (quoted-printable, UTF-8)
 *       image/png ...               (base64, inline, each with its Content-ID)
 *
 * Everything written is 7-bit ASCII with CRLF line breaks: header text beyond plain ASCII goes
 * in RFC 2047 encoded-words, header lines are folded to at most 76 characters (only an address
 * or a message id longer than a line could not be), and body lines are at most 76 characters,
 * so any SMTP server and any mail client takes the message as is.
 */

const CRLF = '\r\n';
/** Longest header line written (RFC 2047's limit for lines with encoded-words; RFC 5322 asks 78). */
const HEADER_LINE = 76;
/** Longest body line (RFC 2045, quoted-printable and base64). */
const BODY_LINE = 76;
/** Longest RFC 2047 encoded-word. */
const ENCODED_WORD = 75;
/** `=?UTF-8?Q?` and `?=` around an encoded-word's text. */
const ENCODED_WORD_FRAME = 12;
/** Attempts at a boundary that appears nowhere in the part it encloses before giving up. */
const BOUNDARY_ATTEMPTS = 8;

/** How a message is composed: the Date header, and the source of multipart boundaries. */
export interface ComposeOptions {
  /** The Date header; now by default. */
  date?: Date;
  /** A fresh boundary per call (1 to 70 RFC 2046 characters); random by default. */
  boundary?: () => string;
}

/** A display name and an address, as a From or To header names a mailbox. */
export interface Mailbox {
  name: string;
  address: string;
}

// ---- Characters ----

const HEX_ESCAPE = Array.from({ length: 256 }, (_, byte) => `=${byte.toString(16).toUpperCase().padStart(2, '0')}`);
/** `0`-`9`, `A`-`F` as bytes, for the `=XX` escapes written straight into a body. */
const HEX_DIGIT = Buffer.from('0123456789ABCDEF', 'latin1');
const PERCENT_ESCAPE = HEX_ESCAPE.map((escape) => `%${escape.slice(1)}`);

/**
 * How quoted-printable writes each ASCII character (RFC 2045 §6.7): as itself (`!` to `~` but
 * `=`), escaped (`=`, control characters), or depending on where it stands: a space or tab is
 * escaped before a line break, a `.` at the start of a line.
 */
const QP_AS_IS = 0;
const QP_ESCAPED = 1;
const QP_BLANK = 2;
const QP_CR = 3;
const QP_LF = 4;
const QP_DOT = 5;
const QP_KIND = new Uint8Array(128).fill(QP_ESCAPED);
QP_KIND.fill(QP_AS_IS, 0x21, 0x7f);
QP_KIND[0x3d] = QP_ESCAPED;
QP_KIND[0x20] = QP_BLANK;
QP_KIND[0x09] = QP_BLANK;
QP_KIND[0x0d] = QP_CR;
QP_KIND[0x0a] = QP_LF;
QP_KIND[0x2e] = QP_DOT;

/** Characters an encoded-word in a phrase may carry as themselves (RFC 2047 §5 (3)). */
const Q_WORD_LITERAL = /^[A-Za-z0-9!*+\-/]$/;
/** RFC 5322 atext: a word of a display name that needs no quoting. */
const ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+$/;
/** RFC 2045 token: a parameter value that needs no quoting. */
const TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^_`{|}~]+$/;
/** RFC 2231 attribute-char: what a percent-encoded parameter value carries as itself. */
const ATTRIBUTE_CHAR = /^[A-Za-z0-9!#$&+\-.^_`{|}~]$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** RFC 5322 dot-atom local part, as users accepts addresses. */
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+$/;
const ASCII_DOMAIN = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;
/** A msg-id as RFC 5322 writes it: `<left@right>`, printable ASCII without angle brackets inside. */
const MSG_ID_TEXT = /^[\x21-\x3b\x3d\x3f-\x7e]+$/;
/** RFC 2046 boundary: 1 to 70 bchars, not ending in a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;
const MEDIA_TYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+$/;

const quoted = (text: string): string => `"${text.replace(/["\\]/g, '\\$&')}"`;

// ---- Header fields ----

/**
 * A header field, its segments separated by single spaces and folded (a CRLF before a space)
 * wherever the next segment would run past the line limit. Segments are never split.
 */
function headerField(name: string, segments: readonly string[]): string {
  let field = `${name}:`;
  let line = field.length;
  for (const segment of segments) {
    if (line > 1 && line + 1 + segment.length > HEADER_LINE) {
      field += CRLF;
      line = 0;
    }
    field += ` ${segment}`;
    line += 1 + segment.length;
  }
  return field + CRLF;
}

/**
 * The UTF-8 bytes of one character (a code point); a lone surrogate becomes U+FFFD, as
 * `Buffer.from` writes it.
 */
function utf8Bytes(character: string): number[] {
  let code = character.codePointAt(0)!;
  if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
  if (code < 0x80) return [code];
  if (code < 0x800) return [0xc0 | (code >> 6), 0x80 | (code & 0x3f)];
  if (code < 0x10000) return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
  return [0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
}

/** How Q-encoding writes each ASCII character in an encoded-word of a phrase (RFC 2047 §5 (3)). */
const Q_ASCII = Array.from({ length: 128 }, (_, code) => {
  const character = String.fromCharCode(code);
  return character === ' ' ? '_' : Q_WORD_LITERAL.test(character) ? character : HEX_ESCAPE[code]!;
});

/** The Q-encoding of one character (a code point) in an encoded-word of a phrase. */
function qEncoded(character: string): string {
  const code = character.charCodeAt(0);
  if (code < 0x80) return Q_ASCII[code]!;
  let encoded = '';
  for (const byte of utf8Bytes(character)) encoded += HEX_ESCAPE[byte];
  return encoded;
}

/**
 * `text` as RFC 2047 encoded-words (UTF-8; Q or B, whichever is shorter), the first at most
 * `firstRoom` characters and the others at most 75, each whole characters: a UTF-8 sequence is
 * never split between two words, so each decodes on its own.
 */
function encodedWords(text: string, firstRoom: number): string[] {
  const characters = Array.from(text);
  const q = characters.map(qEncoded);
  let qLength = 0;
  for (const piece of q) qLength += piece.length;
  const words: string[] = [];
  let room = Math.min(firstRoom, ENCODED_WORD) - ENCODED_WORD_FRAME;
  if (qLength <= Math.ceil(Buffer.byteLength(text, 'utf8') / 3) * 4) {
    let word = '';
    for (const piece of q) {
      if (word && word.length + piece.length > room) {
        words.push(`=?UTF-8?Q?${word}?=`);
        word = '';
        room = ENCODED_WORD - ENCODED_WORD_FRAME;
      }
      word += piece;
    }
    words.push(`=?UTF-8?Q?${word}?=`);
    return words;
  }
  // B: three bytes make four characters; a word takes whole characters while they fit.
  let word = '';
  let bytes = 0;
  for (const character of characters) {
    const n = Buffer.byteLength(character, 'utf8');
    if (word && Math.ceil((bytes + n) / 3) * 4 > room) {
      words.push(`=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`);
      word = '';
      bytes = 0;
      room = ENCODED_WORD - ENCODED_WORD_FRAME;
    }
    word += character;
    bytes += n;
  }
  words.push(`=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`);
  return words;
}

/**
 * A display name as header segments: bare words when they are plain atoms, one quoted string
 * when it is printable ASCII with specials (`"Müller, Zoë"` is not, `"Ada <Lovelace>"` is)
 * that fits the line, else encoded-words. Text that looks like an encoded-word (`=?`) is
 * always encoded, so no reader decodes what the traveller typed.
 */
function phraseSegments(name: string, firstRoom: number): string[] {
  if (name === '') return [];
  const plain = PRINTABLE_ASCII.test(name) && !name.includes('=?');
  if (plain) {
    const words = name.split(' ');
    if (words.every((word) => ATOM.test(word) && word.length < HEADER_LINE)) return words;
    const asQuoted = quoted(name);
    if (asQuoted.length <= firstRoom) return [asQuoted];
  }
  return encodedWords(name, firstRoom);
}

/** Unstructured text (a subject) as header segments: words of plain ASCII, else encoded-words. */
function textSegments(text: string, firstRoom: number): string[] {
  if (text === '') return [];
  if (PRINTABLE_ASCII.test(text) && !text.includes('=?')) {
    const words = text.split(' ');
    if (words.every((word) => word.length > 0 && word.length < HEADER_LINE)) return words;
  }
  return encodedWords(text, firstRoom);
}

/**
 * An address as it goes into a header and an envelope: a dot-atom local part (what users
 * accepts) at a domain, an internationalised domain in its ASCII (punycode) form.
 */
function addressOf(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const asciiDomain = /[^\x20-\x7e]/.test(domain) ? domainToASCII(domain) : domain;
  if (at <= 0 || !LOCAL_PART.test(local) || !ASCII_DOMAIN.test(asciiDomain)) {
    throw new Error(`Not an address an email can be sent to: ${JSON.stringify(address)}`);
  }
  return `${local}@${asciiDomain}`;
}

/**
 * The mailbox a From setting names (`Railgraph <tickets@example.com>`, `"Rail, graph"
 * <tickets@example.com>`, `tickets@example.com`: the shapes MAIL_FROM accepts), so the header
 * can be written afresh and the SMTP envelope take the bare address.
 */
export function mailboxOf(from: string): Mailbox {
  const match = /^\s*(.*?)\s*<?([^\s<>"]+@[^\s<>"]+?)>?\s*$/.exec(from);
  if (!match) throw new Error(`Not a From address: ${JSON.stringify(from)}`);
  let name = match[1]!;
  if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) {
    name = name.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return { name, address: addressOf(match[2]!) };
}

/** A From or To header: the display name, then `<address>` (the bare address without a name). */
function mailboxField(field: string, mailbox: Mailbox): string {
  const address = addressOf(mailbox.address);
  const name = phraseSegments(mailbox.name, HEADER_LINE - field.length - 2);
  return headerField(field, name.length ? [...name, `<${address}>`] : [address]);
}

/** A Message-ID or Content-ID value: `<id>`, printable ASCII, as the header writes it. */
function msgId(id: string, what: string): string {
  const inner = id.startsWith('<') && id.endsWith('>') ? id.slice(1, -1) : id;
  if (!MSG_ID_TEXT.test(inner)) throw new Error(`Not a valid ${what}: ${JSON.stringify(id)}`);
  return `<${inner}>`;
}

/** A date as RFC 5322 writes it, in UTC: `Tue, 01 Dec 2026 09:00:00 +0000`. */
function rfc5322Date(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new Error('Not a valid Date for the Date header');
  return date.toUTCString().replace(/GMT$/, '+0000');
}

/**
 * The last parameter of a Content-Type or Content-Disposition field as header segments: a bare
 * token or a quoted string when it is printable ASCII that fits a line, else RFC 2231 UTF-8
 * percent-encoding in numbered sections that each fit a line (a file name beyond ASCII).
 */
function parameterSegments(attribute: string, value: string): string[] {
  if (PRINTABLE_ASCII.test(value)) {
    const segment = `${attribute}=${TOKEN.test(value) ? value : quoted(value)}`;
    if (segment.length < HEADER_LINE) return [segment];
  }
  const sections: string[] = [];
  let section = "utf-8''";
  for (const character of value) {
    let encoded = '';
    if (character.length === 1 && ATTRIBUTE_CHAR.test(character)) encoded = character;
    else for (const byte of utf8Bytes(character)) encoded += PERCENT_ESCAPE[byte];
    const name = `${attribute}*${sections.length}*=`;
    if (section && name.length + section.length + encoded.length + 1 >= HEADER_LINE) {
      sections.push(section);
      section = '';
    }
    section += encoded;
  }
  sections.push(section);
  return sections.map((text, i) => `${attribute}*${i}*=${text}${i === sections.length - 1 ? '' : ';'}`);
}

// ---- Bodies ----

/** Where a quoted-printable body is encoded before being copied out at its size; grown as needed. */
let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * Text as a UTF-8 quoted-printable body (RFC 2045 §6.7), encoded straight from the string in
 * one pass: CRLF, LF and lone CR all become CRLF hard breaks; lines stay within 76 characters
 * through soft breaks (`=` at the end) that never split an `=XX` nor a character's UTF-8
 * sequence; `=`, everything outside printable ASCII, a space or tab before a line break, and
 * a `.` starting a line (which some SMTP paths take for the end of the data) are escaped.
 */
function quotedPrintable(text: string): Buffer {
  const n = text.length;
  // At most 9 bytes per UTF-16 unit (three escapes), plus a 3-byte soft break per 64 or more.
  if (scratch.length < n * 10 + 8) scratch = Buffer.allocUnsafe(n * 10 + 8);
  const out = scratch;
  let o = 0;
  let column = 0;
  for (let i = 0; i < n; i += 1) {
    let code = text.charCodeAt(i);
    let width: number;
    if (code < 0x80) {
      const kind = QP_KIND[code]!;
      // Most characters: as themselves, with room on the line for a soft break after them.
      if (kind === QP_AS_IS && column < BODY_LINE - 1) {
        out[o++] = code;
        column += 1;
        continue;
      }
      if (kind === QP_CR || kind === QP_LF) {
        if (kind === QP_CR && i + 1 < n && text.charCodeAt(i + 1) === 0x0a) i += 1;
        out[o++] = 0x0d;
        out[o++] = 0x0a;
        column = 0;
        continue;
      }
      width = kind === QP_AS_IS || kind === QP_DOT ? 1 : 3;
    } else {
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < n) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
          i += 1;
        }
      }
      if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
      width = code >= 0x10000 ? 12 : code >= 0x800 ? 9 : 6;
    }
    const next = i + 1 < n ? text.charCodeAt(i + 1) : 0x0a;
    const endsLine = next === 0x0a || next === 0x0d;
    if (code === 0x20 || code === 0x09) width = endsLine ? 3 : 1;
    if (column + width > (endsLine ? BODY_LINE : BODY_LINE - 1)) {
      out[o++] = 0x3d;
      out[o++] = 0x0d;
      out[o++] = 0x0a;
      column = 0;
    }
    if (code === 0x2e && column === 0) width = 3;
    column += width;
    if (width === 1) {
      out[o++] = code;
    } else if (width === 3) {
      out[o++] = 0x3d;
      out[o++] = HEX_DIGIT[code >> 4]!;
      out[o++] = HEX_DIGIT[code & 0x0f]!;
    } else {
      // A character beyond ASCII: its UTF-8 bytes, each escaped, together on one line.
      let shift = width === 6 ? 6 : width === 9 ? 12 : 18;
      let byte = width === 6 ? 0xc0 | (code >> 6) : width === 9 ? 0xe0 | (code >> 12) : 0xf0 | (code >> 18);
      for (;;) {
        out[o++] = 0x3d;
        out[o++] = HEX_DIGIT[byte >> 4]!;
        out[o++] = HEX_DIGIT[byte & 0x0f]!;
        if (shift === 0) break;
        shift -= 6;
        byte = 0x80 | ((code >> shift) & 0x3f);
      }
    }
  }
  return Buffer.from(out.subarray(0, o));
}

/** Bytes as a base64 body in lines of 76 characters (RFC 2045 §6.8). */
function base64Lines(content: Buffer): string {
  const encoded = content.toString('base64');
  let body = '';
  for (let i = 0; i < encoded.length; i += BODY_LINE) {
    body += i === 0 ? encoded.slice(0, BODY_LINE) : CRLF + encoded.slice(i, i + BODY_LINE);
  }
  return body;
}

// ---- Parts ----

/**
 * An entity's bytes in order, as ASCII strings (header fields, delimiters) and encoded bodies:
 * copied into the message once, at the end. No boundary delimiter can straddle two pieces
 * (every piece boundary touches a CRLF, which a delimiter does not contain), so searching the
 * pieces one by one finds every occurrence.
 */
type Pieces = Array<string | Buffer>;

/** A body part: its header fields, the empty line, its body. */
const part = (fields: string, body: Pieces | Buffer | string): Pieces =>
  Array.isArray(body) ? [fields + CRLF, ...body] : [fields + CRLF, body];

const textPart = (subtype: 'plain' | 'html', text: string): Pieces =>
  part(
    `Content-Type: text/${subtype}; charset=utf-8${CRLF}Content-Transfer-Encoding: quoted-printable${CRLF}`,
    quotedPrintable(text),
  );

function imagePart(image: OutgoingMail['attachments'][number]): Pieces {
  if (!MEDIA_TYPE.test(image.contentType)) throw new Error(`Not a media type: ${JSON.stringify(image.contentType)}`);
  const fields =
    headerField('Content-Type', [`${image.contentType};`, ...parameterSegments('name', image.filename)]) +
    headerField('Content-ID', [msgId(image.cid, 'Content-ID')]) +
    `Content-Transfer-Encoding: base64${CRLF}` +
    headerField('Content-Disposition', ['inline;', ...parameterSegments('filename', image.filename)]);
  return part(fields, base64Lines(image.content));
}

/** A boundary from `next` that is well formed and appears in none of `parts`. */
function boundaryFor(parts: readonly Pieces[], next: () => string): string {
  for (let attempt = 0; attempt < BOUNDARY_ATTEMPTS; attempt += 1) {
    const boundary = next();
    if (!BOUNDARY.test(boundary)) throw new Error(`Not a MIME boundary: ${JSON.stringify(boundary)}`);
    const delimiter = `--${boundary}`;
    if (!parts.some((pieces) => pieces.some((piece) => piece.includes(delimiter)))) return boundary;
  }
  throw new Error('No MIME boundary found that the message does not contain');
}

/**
 * A multipart entity: its Content-Type field (with `parameters` before the boundary), and its
 * body, the parts between delimiters. The boundary is checked against the parts' bytes, so a
 * nested multipart's own delimiters count too.
 */
function multipart(
  subtype: 'alternative' | 'related',
  parameters: readonly string[],
  parts: readonly Pieces[],
  next: () => string,
): { contentType: string; body: Pieces } {
  const boundary = boundaryFor(parts, next);
  const contentType = headerField('Content-Type', [
    `multipart/${subtype};`,
    ...parameters.map((parameter) => `${parameter};`),
    `boundary="${boundary}"`,
  ]);
  const body: Pieces = [];
  parts.forEach((pieces, i) => {
    body.push(i === 0 ? `--${boundary}${CRLF}` : `${CRLF}--${boundary}${CRLF}`, ...pieces);
  });
  body.push(`${CRLF}--${boundary}--${CRLF}`);
  return { contentType, body };
}

/** The HTML part, in a multipart/related with its inline images when it has any. */
function htmlWithImages(mail: OutgoingMail, next: () => string): Pieces {
  const html = textPart('html', mail.html);
  if (mail.attachments.length === 0) return html;
  const related = multipart('related', ['type="text/html"'], [html, ...mail.attachments.map(imagePart)], next);
  return part(related.contentType, related.body);
}

/** The pieces as one buffer. */
function joined(pieces: Pieces): Buffer {
  let length = 0;
  for (const piece of pieces) length += piece.length;
  const message = Buffer.allocUnsafe(length);
  let at = 0;
  for (const piece of pieces)
    at += typeof piece === 'string' ? message.write(piece, at, 'latin1') : piece.copy(message, at);
  return message;
}

/** A random boundary: `=_` cannot occur in quoted-printable or base64 text. */
const randomBoundary = (): string => `=_rg_${randomUUID()}`;

/**
 * The booking email as a complete RFC 5322 message, ready to write to an .eml file or hand to
 * an SMTP server as is. Composed directly (no streams): a confirmation costs a few tens of
 * microseconds of CPU, where a general-purpose mail composer spends about half a millisecond
 * (bench/tickets/mail-compose.ts).
 * Throws on an address, Message-ID or Content-ID that cannot be written as a header.
 */
export function composeMessage(mail: OutgoingMail, options: ComposeOptions = {}): Buffer {
  const next = options.boundary ?? randomBoundary;
  const root = multipart('alternative', [], [textPart('plain', mail.text), htmlWithImages(mail, next)], next);
  const fields =
    mailboxField('From', mailboxOf(mail.from)) +
    mailboxField('To', mail.to) +
    headerField('Subject', textSegments(mail.subject, HEADER_LINE - 'Subject: '.length)) +
    headerField('Message-ID', [msgId(mail.messageId, 'Message-ID')]) +
    `Date: ${rfc5322Date(options.date ?? new Date())}${CRLF}` +
    `MIME-Version: 1.0${CRLF}` +
    root.contentType +
    CRLF;
  return joined([fields, ...root.body]);
}
