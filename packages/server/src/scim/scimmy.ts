import SCIMMY from 'scimmy';
import { ENTERPRISE_SCHEMA } from './catalog.js';

/**
 * scimmy keeps its schema definitions as static state of its classes: the
 * User schema learns the enterprise extension (RFC 7643 §4.3) once, here,
 * the first time this module is loaded, and never again.
 */
function hasEnterpriseExtension(): boolean {
  try {
    SCIMMY.Schemas.User.definition.attribute(`${ENTERPRISE_SCHEMA}:department`);
    return true;
  } catch {
    return false;
  }
}
if (!hasEnterpriseExtension()) SCIMMY.Schemas.User.extend(SCIMMY.Schemas.EnterpriseUser as never);

export { SCIMMY };

const BOOLEAN_KEYS = new Set(['active', 'primary']);

/**
 * Microsoft Entra ID sends booleans as strings (`"active": "False"`, also as
 * a PATCH value); they mean the boolean. Other strings stay as they are, and
 * the schema then refuses them.
 */
export function booleansFromStrings(value: unknown, key?: string): unknown {
  if (typeof value === 'string' && key !== undefined && BOOLEAN_KEYS.has(key.toLowerCase())) {
    const v = value.toLowerCase();
    return v === 'true' ? true : v === 'false' ? false : value;
  }
  if (Array.isArray(value)) return value.map((v) => booleansFromStrings(v, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, booleansFromStrings(v, k)]));
  }
  return value;
}
