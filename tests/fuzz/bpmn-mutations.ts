/**
 * Generated deployments: the four procedures' BPMN and a few test models, mutated as text —
 * attributes dropped or given hostile values, references left dangling, ids duplicated,
 * elements dropped or renamed, junk inserted, the file truncated — or replaced by documents
 * built to hurt: entity expansion and external entities, deep nesting, huge documents,
 * XML that is not BPMN, binary, hostile file names, several files at once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { chain, end, exclusiveGateway, flow, messageCatch, processXml, serviceTask, start, subProcess, timerBoundary, timerStart } from '../support/bpmn.js';
import { PROCESSES } from './support.js';

export interface Resource {
  name: string;
  content: Buffer;
}

export interface Deployment {
  what: string;
  files: Resource[];
}

const procedures = readdirSync(PROCESSES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => ({ name: `${d.name}.bpmn`, xml: readFileSync(join(PROCESSES, d.name, 'process.bpmn'), 'utf8') }));

const models = [
  {
    name: 'fz-timers.bpmn',
    xml: processXml(
      'fz-timers',
      start(),
      serviceTask('work', 'fz-job'),
      timerBoundary('late', 'work', { duration: 'PT1H' }),
      end(),
      end('timedOut'),
      chain('start', 'work', 'end'),
      flow('late', 'timedOut'),
    ),
  },
  {
    name: 'fz-gateway.bpmn',
    xml: processXml(
      'fz-gateway',
      start(),
      exclusiveGateway('gw'),
      messageCatch('wait', 'fz-message', '=key'),
      subProcess('sub', [start('s2'), serviceTask('inner', 'fz-inner'), end('e2'), chain('s2', 'inner', 'e2')]),
      end(),
      flow('start', 'gw'),
      flow('gw', 'wait', { condition: '=x > 1' }),
      flow('gw', 'sub', { isDefault: true }),
      flow('wait', 'end'),
      flow('sub', 'end', { id: 'subDone' }),
    ),
  },
  {
    name: 'fz-cycle.bpmn',
    xml: processXml('fz-cycle', timerStart('start', { cycle: 'R3/PT10M' }), serviceTask('t', 'fz-cycle-job'), end(), chain('start', 't', 'end')),
  },
];

export const BASES = [...procedures, ...models];

const ATTR = /\s([\w:.-]+)="([^"]*)"/g;
const REF_ATTRS =
  /^(sourceRef|targetRef|attachedToRef|default|messageRef|errorRef|signalRef|escalationRef|processId|activityRef|calledElement|formKey|formId)$/;
const HOSTILE_ATTR = [
  '',
  ' ',
  'khong-ton-tai',
  '=',
  '=)(',
  '= x +',
  '=now(',
  '="\\u0000"',
  'R-1/PT1S',
  'R99999999999/PT0S',
  'PT0S',
  'P99999999Y',
  '-PT1H',
  '0 0 * * * * * *',
  '9999-99-99T99:99:99Z',
  '99999999999999999999',
  '-1',
  'NaN',
  '&amp;&lt;&gt;&quot;',
  '&#0;',
  '&#x110000;',
  '&xxe;',
  '\u202E\uFEFF',
  'x'.repeat(70_000),
];
const JUNK = [
  '&xxe;',
  '&#0;',
  '&#xD800;',
  ']]>',
  '<![CDATA[',
  '<?pi data?>',
  '<!-- -->',
  '</bpmn:process>',
  '<bpmn:process id="p2">',
  '\u0000',
  '<',
  '&',
  '<x:y xmlns:x="urn:x"/>',
];
const TAGS = [
  'bpmn:complexGateway',
  'bpmn:task',
  'bpmn:manualTask',
  'bpmn:transaction',
  'bpmn:adHocSubProcess',
  'bpmn:dataObject',
  'bpmn:lane',
  'foo:bar',
  'bpmn:definitions',
];

type TextMutation = (xml: string) => string;

function nth(re: RegExp, xml: string, k: number): RegExpExecArray | undefined {
  const all = [...xml.matchAll(new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g'))];
  return all.length ? all[k % all.length] : undefined;
}

function splice(xml: string, m: RegExpExecArray | undefined, replacement: string): string {
  return m ? xml.slice(0, m.index) + replacement + xml.slice(m.index + m[0].length) : xml;
}

const escapeAttr = (v: string) =>
  v
    .replace(/&(?!(amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;');

const textMutation: fc.Arbitrary<[string, TextMutation]> = fc.oneof(
  fc.nat().map((k): [string, TextMutation] => [`drop attribute #${k}`, (x) => splice(x, nth(ATTR, x, k), '')]),
  fc
    .tuple(fc.nat(), fc.constantFrom(...HOSTILE_ATTR), fc.boolean())
    .map(([k, v, raw]): [string, TextMutation] => [
      `attribute #${k} = ${JSON.stringify(v.slice(0, 30))}${raw ? ' (unescaped)' : ''}`,
      (x) => replaceAttr(x, k, raw ? v : escapeAttr(v)),
    ]),
  fc.nat().map((k): [string, TextMutation] => [`dangling reference #${k}`, (x) => danglingRef(x, k)]),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): [string, TextMutation] => [`duplicate id #${a}←#${b}`, (x) => duplicateId(x, a, b)]),
  fc.nat().map((k): [string, TextMutation] => [`drop element #${k}`, (x) => splice(x, nth(/<[\w:]+(\s[^<>]*)?\/>/g, x, k), '')]),
  fc.nat().map((k): [string, TextMutation] => [`drop start tag #${k}`, (x) => splice(x, nth(/<[\w:]+(\s[^<>]*)?[^/]>/g, x, k), '')]),
  fc
    .tuple(fc.nat(), fc.constantFrom(...TAGS))
    .map(([k, tag]): [string, TextMutation] => [`rename element #${k} to ${tag}`, (x) => splice(x, nth(/<[\w:]+(?=[\s/>])(?!\?)/g, x, k), `<${tag}`)]),
  fc
    .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...JUNK))
    .map(([at, junk]): [string, TextMutation] => [`insert ${JSON.stringify(junk)} at ${at.toFixed(3)}`, (x) => insertAt(x, at, junk)]),
  fc
    .double({ min: 0, max: 1, noNaN: true })
    .map((at): [string, TextMutation] => [`truncate at ${at.toFixed(3)}`, (x) => x.slice(0, Math.floor(x.length * at))]),
);

function replaceAttr(xml: string, k: number, value: string): string {
  const m = nth(ATTR, xml, k);
  return m ? splice(xml, m, ` ${m[1]}="${value}"`) : xml;
}

function danglingRef(xml: string, k: number): string {
  const refs = [...xml.matchAll(ATTR)].filter((m) => REF_ATTRS.test(m[1]));
  if (!refs.length) return xml;
  const m = refs[k % refs.length];
  return splice(xml, m, ` ${m[1]}="khong-ton-tai-${k}"`);
}

function duplicateId(xml: string, a: number, b: number): string {
  const ids = [...xml.matchAll(/\sid="([^"]*)"/g)];
  if (ids.length < 2) return xml;
  const target = ids[a % ids.length];
  return splice(xml, target, ` id="${ids[b % ids.length][1]}"`);
}

function insertAt(xml: string, at: number, junk: string): string {
  const i = Math.floor(xml.length * at);
  return xml.slice(0, i) + junk + xml.slice(i);
}

const HEAD = `<?xml version="1.0" encoding="UTF-8"?>`;
const DEFS = `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="urn:x">`;

const laughs = `${HEAD}<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]>${DEFS}<bpmn:process id="lol" isExecutable="true"><bpmn:documentation>&lol9;</bpmn:documentation><bpmn:startEvent id="s"/></bpmn:process></bpmn:definitions>`;

function deepNested(depth: number, tag: string): string {
  return `${HEAD}${DEFS}<bpmn:process id="deep" isExecutable="true"><bpmn:startEvent id="s"/>${`<${tag}>`.repeat(depth)}${`</${tag}>`.repeat(depth)}</bpmn:process></bpmn:definitions>`;
}

function nestedSubProcesses(depth: number): string {
  let inner = `<bpmn:startEvent id="s${depth}"/>`;
  for (let i = depth - 1; i >= 0; i--)
    inner = `<bpmn:startEvent id="s${i}"/><bpmn:sequenceFlow id="f${i}" sourceRef="s${i}" targetRef="sp${i}"/><bpmn:subProcess id="sp${i}">${inner}</bpmn:subProcess>`;
  return `${HEAD}${DEFS}<bpmn:process id="nested-sub" isExecutable="true">${inner}</bpmn:process></bpmn:definitions>`;
}

function hugeProcess(tasks: number): string {
  const els: string[] = ['<bpmn:startEvent id="t0"/>'];
  for (let i = 1; i <= tasks; i++) {
    els.push(
      `<bpmn:serviceTask id="t${i}" name="${'Bước '.repeat(20)}${i}"><bpmn:extensionElements><zeebe:taskDefinition type="fz-huge"/></bpmn:extensionElements></bpmn:serviceTask>`,
    );
    els.push(`<bpmn:sequenceFlow id="f${i}" sourceRef="t${i - 1}" targetRef="t${i}"/>`);
  }
  return `${HEAD}${DEFS}<bpmn:process id="huge" isExecutable="true">${els.join('')}</bpmn:process></bpmn:definitions>`;
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const one = (what: string, name: string, content: Buffer | string): Deployment => ({
  what,
  files: [{ name, content: typeof content === 'string' ? utf8(content) : content }],
});

export const SPECIAL: Deployment[] = [
  one('billion laughs', 'lol.bpmn', laughs),
  one(
    'external entity',
    'xxe.bpmn',
    `${HEAD}<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${DEFS}<bpmn:process id="xxe">&xxe;</bpmn:process></bpmn:definitions>`,
  ),
  one('parameter entity', 'pe.bpmn', `${HEAD}<!DOCTYPE d [<!ENTITY % pe SYSTEM "http://127.0.0.1:1/x.dtd"> %pe;]>${DEFS}</bpmn:definitions>`),
  one('lower-case doctype after a comment', 'lc.bpmn', `${HEAD}<!-- hi --><!doctype d [<!entity x "y">]>${DEFS}</bpmn:definitions>`),
  one(
    'doctype in UTF-16',
    'u16.bpmn',
    Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>${DEFS}</bpmn:definitions>`, 'utf16le'),
    ]),
  ),
  one(
    'an undeclared entity',
    'ent.bpmn',
    `${HEAD}${DEFS}<bpmn:process id="ent" isExecutable="true" name="&xxe;"><bpmn:startEvent id="s"/></bpmn:process></bpmn:definitions>`,
  ),
  one(
    'XInclude',
    'xi.bpmn',
    `${HEAD}${DEFS.replace('>', ' xmlns:xi="http://www.w3.org/2001/XInclude">')}<xi:include href="file:///etc/passwd" parse="text"/></bpmn:definitions>`,
  ),
  one('a stylesheet processing instruction', 'pi.bpmn', `${HEAD}<?xml-stylesheet href="http://127.0.0.1:1/x.xsl"?>${DEFS}</bpmn:definitions>`),
  one('deep unknown nesting', 'deep.bpmn', deepNested(20_000, 'x')),
  one('deep documentation nesting', 'deep-doc.bpmn', deepNested(5_000, 'bpmn:documentation')),
  one('nested sub-processes', 'nested.bpmn', nestedSubProcesses(150)),
  one('a large process (≈1 MB)', 'large.bpmn', hugeProcess(3_000)),
  one('a huge file (> 4 MB)', 'huge.bpmn', `${HEAD}${DEFS}<!--${'x'.repeat(4.5 * 1024 * 1024)}--></bpmn:definitions>`),
  one(
    'DMN',
    'd.bpmn',
    `${HEAD}<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="urn:x"><decision id="x"/></definitions>`,
  ),
  one('SVG', 'svg.bpmn', `${HEAD}<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>`),
  one('BPMN in the wrong namespace', 'ns.bpmn', `${HEAD}<bpmn:definitions xmlns:bpmn="urn:not-bpmn" id="d"><bpmn:process id="p"/></bpmn:definitions>`),
  one('definitions without a process', 'empty-defs.bpmn', `${HEAD}${DEFS}</bpmn:definitions>`),
  one('an empty file', 'empty.bpmn', ''),
  one('whitespace', 'ws.bpmn', '  \n\t '),
  one('only a declaration', 'decl.bpmn', HEAD),
  one('a PNG', 'png.bpmn', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])),
  one('gzip', 'gz.bpmn', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3])),
  one('a form that is not JSON', 'x.form', '{"id": '),
  one('a form without an id', 'x.form', '{"components": []}'),
  one('a form with a hostile id', 'y.form', JSON.stringify({ id: 'x'.repeat(10_000), components: [{ type: 'textfield', key: '\u0000' }] })),
  one('a form that is an array', 'z.form', '[1,2,3]'),
  one('BPMN named .txt', 'model.txt', models[0].xml),
  one('a name climbing out', '../../../../etc/evil.bpmn', models[0].xml),
  one('a very long name', `${'tên-rất-dài-'.repeat(40)}.bpmn`, models[0].xml),
  one('a name with a NUL', 'a\u0000b.bpmn', models[0].xml),
  {
    what: 'one good and one truncated file',
    files: [
      { name: 'good.bpmn', content: utf8(models[0].xml) },
      { name: 'bad.bpmn', content: utf8(models[1].xml.slice(0, 300)) },
    ],
  },
  {
    what: 'the same process twice',
    files: [
      { name: 'a.bpmn', content: utf8(models[0].xml) },
      { name: 'b.bpmn', content: utf8(models[0].xml.replace('name="', 'name="khác ')) },
    ],
  },
  { what: '101 files', files: Array.from({ length: 101 }, (_, i) => ({ name: `f${i}.bpmn`, content: utf8(models[2].xml) })) },
];

/** A deployment to send: a base model with 1–3 text mutations, binary, or one of the special documents. */
export const deploymentArb: fc.Arbitrary<Deployment> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.tuple(fc.constantFrom(...BASES), fc.array(textMutation, { minLength: 1, maxLength: 3 })).map(([base, muts]) => ({
      what: `${base.name}: ${muts.map(([w]) => w).join('; ')}`,
      files: [{ name: base.name, content: utf8(muts.reduce((x, [, f]) => f(x), base.xml)) }],
    })),
  },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 0, maxLength: 2000 }).map((b) => one(`${b.length} random bytes`, 'random.bpmn', Buffer.from(b))) },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL) },
);
