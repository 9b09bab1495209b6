import { XMLParser } from 'fast-xml-parser';

/**
 * The wire format of the CAS protocol 3.0 as a client sees it — pure
 * functions, no I/O. Section numbers refer to the Apereo "CAS Protocol 3.0
 * Specification" (https://apereo.github.io/cas/development/protocol/CAS-Protocol-Specification.html).
 */

export interface LoginUrlOptions {
  /** §2.1.1 `renew`: the user must present primary credentials again (no SSO). */
  renew?: boolean;
  /** §2.1.1 `gateway`: CAS must not ask for credentials; without an SSO session it returns without a ticket. */
  gateway?: boolean;
}

/** §2.1: `<server>/login?service=…[&renew=true|&gateway=true]`. */
export function loginUrl(serverUrl: string, service: string, options: LoginUrlOptions = {}): string {
  const url = new URL(`${trimSlash(serverUrl)}/login`);
  url.searchParams.set('service', service);
  // §2.1.1: "renew" and "gateway" together are undefined; renew wins (it is the safer one).
  if (options.renew) url.searchParams.set('renew', 'true');
  else if (options.gateway) url.searchParams.set('gateway', 'true');
  return url.toString();
}

/** §2.3: `<server>/logout[?service=…]` ends the CAS single sign-on session. */
export function logoutUrl(serverUrl: string, service?: string): string {
  const url = new URL(`${trimSlash(serverUrl)}/logout`);
  if (service) url.searchParams.set('service', service);
  return url.toString();
}

/** §2.8: `<server>/p3/serviceValidate?service=…&ticket=…[&renew=true][&format=JSON]`. */
export function validateUrl(
  serverUrl: string,
  service: string,
  ticket: string,
  options: { renew?: boolean; format?: 'XML' | 'JSON' } = {},
): string {
  const url = new URL(`${trimSlash(serverUrl)}/p3/serviceValidate`);
  url.searchParams.set('service', service);
  url.searchParams.set('ticket', ticket);
  if (options.renew) url.searchParams.set('renew', 'true');
  if (options.format === 'JSON') url.searchParams.set('format', 'JSON');
  return url.toString();
}

/** What `/p3/serviceValidate` said. Attribute values are always lists (CAS attributes may repeat). */
export type Validation =
  | { ok: true; user: string; attributes: Record<string, string[]> }
  | { ok: false; code: string; description: string };

/** Thrown when a response is not a CAS service response at all (wrong URL, proxy error page, …). */
export class CasResponseError extends Error {
  override name = 'CasResponseError';
}

const xml = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  // Everything we read may repeat; lists everywhere keep the reading code uniform.
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

type XmlNode = Record<string, unknown>;

function parseXml(body: string): XmlNode {
  // A CAS response has no document type; refusing one rules out entity tricks.
  if (/<!DOCTYPE|<!ENTITY/i.test(body))
    throw new CasResponseError('XML with a document type is not accepted');
  try {
    return xml.parse(body) as XmlNode;
  } catch (err) {
    throw new CasResponseError(`Unreadable XML: ${(err as Error).message}`);
  }
}

const first = (node: unknown, name: string): unknown =>
  node && typeof node === 'object' ? (node as XmlNode)[name]?.[0 as never] : undefined;

/** The text of a parsed element: a plain string, or `#text` when it also has attributes. */
function text(node: unknown): string {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object') {
    const t = (node as XmlNode)['#text'];
    if (Array.isArray(t)) return t.map(String).join('');
    if (t !== undefined) return String(t);
  }
  return '';
}

/**
 * Reads a `/p3/serviceValidate` answer (§2.5.2 XML, §2.5.4 JSON when
 * `format=JSON`), detecting the format from the body. Accepts attributes in
 * the spec's form (`<cas:mail>…</cas:mail>`, repeated for several values)
 * and the older name/value form (`<cas:attribute name="mail" value="…"/>`).
 */
export function parseValidation(body: string): Validation {
  const trimmed = body.trimStart();
  return trimmed.startsWith('{') ? parseJsonValidation(trimmed) : parseXmlValidation(trimmed);
}

function parseXmlValidation(body: string): Validation {
  const response = first(parseXml(body), 'serviceResponse');
  if (!response) throw new CasResponseError('No cas:serviceResponse element');
  const failure = first(response, 'authenticationFailure');
  if (failure !== undefined) {
    const code = (failure as XmlNode)['@code'];
    return { ok: false, code: typeof code === 'string' ? code : 'UNKNOWN', description: text(failure) };
  }
  const success = first(response, 'authenticationSuccess');
  if (!success) throw new CasResponseError('Neither authenticationSuccess nor authenticationFailure');
  const user = text(first(success, 'user'));
  if (!user) throw new CasResponseError('authenticationSuccess without a user');
  const attributes: Record<string, string[]> = {};
  const add = (name: string, value: string) => {
    const list = attributes[name];
    if (list) list.push(value);
    else attributes[name] = [value];
  };
  const block = first(success, 'attributes');
  if (block && typeof block === 'object') {
    for (const [name, values] of Object.entries(block as XmlNode)) {
      if (name.startsWith('@') || name === '#text' || !Array.isArray(values)) continue;
      if (name === 'attribute') {
        for (const v of values as XmlNode[]) {
          const key = v['@name'];
          const value = v['@value'];
          if (typeof key === 'string' && typeof value === 'string') add(key, value);
        }
        continue;
      }
      for (const v of values) add(name, text(v));
    }
  }
  return { ok: true, user, attributes };
}

function parseJsonValidation(body: string): Validation {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (err) {
    throw new CasResponseError(`Unreadable JSON: ${(err as Error).message}`);
  }
  const response = (doc as { serviceResponse?: Record<string, unknown> } | null)?.serviceResponse;
  if (!response || typeof response !== 'object') throw new CasResponseError('No serviceResponse object');
  const failure = response.authenticationFailure as { code?: unknown; description?: unknown } | undefined;
  if (failure) {
    return {
      ok: false,
      code: typeof failure.code === 'string' ? failure.code : 'UNKNOWN',
      description: typeof failure.description === 'string' ? failure.description : '',
    };
  }
  const success = response.authenticationSuccess as { user?: unknown; attributes?: unknown } | undefined;
  if (!success || typeof success.user !== 'string' || success.user === '') {
    throw new CasResponseError('authenticationSuccess without a user');
  }
  const attributes: Record<string, string[]> = {};
  if (success.attributes && typeof success.attributes === 'object') {
    for (const [name, value] of Object.entries(success.attributes as Record<string, unknown>)) {
      const list = Array.isArray(value) ? value : [value];
      const strings = list.filter((v) => ['string', 'number', 'boolean'].includes(typeof v)).map(String);
      if (strings.length > 0) attributes[name] = strings;
    }
  }
  return { ok: true, user: success.user, attributes };
}

/**
 * Appendix C (single logout): the CAS server POSTs `logoutRequest`, a SAML
 * 2.0 `LogoutRequest` whose `SessionIndex` is the service ticket that
 * started the session. Returns that ticket, or null when the body is not
 * such a request.
 */
export function parseLogoutRequest(body: string): string | null {
  let doc: XmlNode;
  try {
    doc = parseXml(body);
  } catch {
    return null;
  }
  const index = text(first(first(doc, 'LogoutRequest'), 'SessionIndex'));
  return index === '' ? null : index;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');
