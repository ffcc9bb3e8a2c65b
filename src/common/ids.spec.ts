import { v1, v4, v6, v7, validate, version, MAX, NIL } from 'uuid';
import { isId, newId } from './ids.js';

describe('isId', () => {
  it('takes what newId makes, in either case', () => {
    const id = newId();
    expect(isId(id)).toBe(true);
    expect(isId(id.toUpperCase())).toBe(true);
  });

  it('says what uuid’s validate and version say of a UUIDv7', () => {
    const sample = '01a23918-77e3-7182-a861-f3bd755937de';
    const cases = [
      sample,
      v1(),
      v4(),
      v6(),
      NIL,
      MAX,
      sample.replace('-7182-', '-8182-'), // version 8
      sample.replace('-a861-', '-c861-'), // not RFC 9562's variant
      sample.replace('-a861-', '-7861-'),
      `${sample}0`,
      sample.slice(1),
      ` ${sample}`,
      sample.replaceAll('-', ''),
      sample.replace('f3bd', 'f3bg'),
      `${sample}\n`,
      '',
    ];
    for (let i = 0; i < 200; i++) cases.push(v7(), v4());
    for (const value of cases) {
      expect([value, isId(value)]).toEqual([value, validate(value) && version(value) === 7]);
    }
    expect(cases.filter(isId).length).toBeGreaterThan(200);
  });
});
