export type { ContentDisposition, ContentType, MimeParams } from './content-fields.js';
export { parseContentType, parseDisposition, parseEncoding, parseLanguage } from './content-fields.js';
export type { MessageField, MimeEntity, PartField } from './entity.js';
export { entities, isMultipart, MESSAGE_FIELDS, PART_FIELDS, resolvePart } from './entity.js';
export { HeaderLexer } from './lexer.js';
export { parseStructure, structureOf } from './parse-structure.js';
export { MAX_DEPTH, MAX_PARTS, StructureParser } from './structure-parser.js';
