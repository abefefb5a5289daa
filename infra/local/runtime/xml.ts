/**
 * `util.xml` (https://docs.aws.amazon.com/appsync/latest/devguide/xml-helpers-in-util-xml-js.html).
 *
 * `toMap` turns an XML document into an object: the root element is the single top-level key,
 * repeated child elements become a list, element text is converted to a number or boolean when
 * it reads as one (`<id>1</id>` → `"id": 1`, as both documented examples show). What the page does
 * not show follows the JSON-in-Java convention (org.json `XML.toJSONObject`) AWS's Java runtime
 * is most likely built on: attributes become keys beside the child elements, the text of an
 * element that also has attributes or children is kept under `content`, an empty element is `""`.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { UtilsUsageError } from './errors';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  textNodeName: 'content',
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: true,
  parseAttributeValue: true,
  trimValues: true,
  // "007" stays text: a leading zero is not a number in JSON.
  numberParseOptions: { leadingZeros: false, hex: false, eNotation: true },
});

/** `util.xml.toMap(xml)`. */
export function xmlToMap(xml: unknown): Record<string, unknown> {
  if (typeof xml !== 'string') throw new UtilsUsageError('util.xml.toMap expects an XML string');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new UtilsUsageError(`util.xml.toMap: the XML does not parse (line ${valid.err.line}: ${valid.err.msg})`);
  return parser.parse(xml) as Record<string, unknown>;
}

/**
 * `util.xml.toJsonString(xml, stringEncode?)`: `toMap` as a JSON string; with `stringEncode`
 * true the JSON is string-encoded once more (quoted and escaped), ready to embed in another JSON.
 */
export function xmlToJsonString(xml: unknown, stringEncode?: unknown): string {
  const json = JSON.stringify(xmlToMap(xml));
  return stringEncode === true ? JSON.stringify(json) : json;
}
