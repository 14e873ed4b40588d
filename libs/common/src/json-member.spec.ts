import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { jsonMemberText } from './json-member.js';

describe('jsonMemberText', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['compact', '{"type":"a","data":{"b":1}}', '{"b":1}'],
    ['spacing kept', '{ "type" : "a" , "data" :  { "z" : 1,\n "a" : [ 1 , 2 ] }  }', '{ "z" : 1,\n "a" : [ 1 , 2 ] }'],
    ['number spelling kept', '{"data":{"n":1.50,"big":12345678901234567890,"e":1E+2}}', '{"n":1.50,"big":12345678901234567890,"e":1E+2}'],
    ['escapes kept', '{"data":{"s":"caf\\u00e9 \\"q\\" \\\\","t":"}"}}', '{"s":"caf\\u00e9 \\"q\\" \\\\","t":"}"}'],
    ['braces inside strings', '{"x":"{[","data":{"a":"]}"},"y":1}', '{"a":"]}"}'],
    ['the last of two', '{"data":{"a":1},"data":{"a":2}}', '{"a":2}'],
    ['an escaped key', '{"d\\u0061ta":{"a":1}}', '{"a":1}'],
    ['a scalar', '{"data":42}', '42'],
    ['a key ending in a backslash', '{"a\\\\":1,"data":true}', 'true'],
    ['absent', '{"type":"a"}', undefined],
    ['not an object', '[{"data":1}]', undefined],
    ['nested only', '{"x":{"data":1}}', undefined],
  ];
  for (const [what, text, want] of cases) {
    it(what, () => {
      assert.doesNotThrow(() => JSON.parse(text));
      assert.equal(jsonMemberText(text, 'data'), want);
    });
  }

  it('finds exactly the value JSON.parse finds, whatever the spacing and neighbours', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }), fc.nat(3), fc.boolean(), (data, others, indent, dataFirst) => {
        const entries = Object.entries(others).filter(([k]) => k !== 'data' && k !== '__proto__');
        const obj = Object.fromEntries(dataFirst ? [['data', data], ...entries] : [...entries, ['data', data]]);
        const text = JSON.stringify(obj, null, indent);
        const found = jsonMemberText(text, 'data');
        assert.ok(found !== undefined);
        assert.deepEqual(JSON.parse(found), JSON.parse(JSON.stringify(data)));
        assert.ok(text.includes(found));
      }),
      { numRuns: 300 },
    );
  });
});
