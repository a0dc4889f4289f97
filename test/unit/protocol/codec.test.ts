import { describe, expect, it } from 'vitest'
import { decodeValue, encodeValue } from '../../../src/protocol/codec'
import { decodeEJSON } from '../../../src/protocol/ejson'
import { GeoLineString, GeoMultiPolygon, GeoPoint, GeoPolygon } from '../../../src/protocol/geo'
import { DbRegExp } from '../../../src/protocol/regexp'
import { ServerDate } from '../../../src/protocol/server-date'

const square = () =>
  new GeoPolygon([new GeoLineString([new GeoPoint(0, 0), new GeoPoint(3, 2), new GeoPoint(2, 3), new GeoPoint(0, 0)])])

describe('value codec, client dialect (docs/protocol.md §3.2, J15)', () => {
  it('encodes every special type', () => {
    expect(
      encodeValue(
        {
          when: new Date(1700000000000),
          created: new ServerDate(),
          later: new ServerDate({ offset: 60000 }),
          re: /ab+c/g,
          dre: new DbRegExp({ regexp: '^x.*', options: 'im' }),
          point: new GeoPoint(113.3, 23.1),
          poly: square(),
          nested: { a: { b: [1, { c: 2 }] } },
          nul: null,
          gone: undefined,
        },
        'test',
      ),
    ).toEqual({
      when: { $date: 1700000000000 },
      created: { $date: { offset: 0 } },
      later: { $date: { offset: 60000 } },
      re: { $regex: 'ab+c', $options: 'g' },
      dre: { $regex: '^x.*', $options: 'im' },
      point: { type: 'Point', coordinates: [113.3, 23.1] },
      poly: { type: 'Polygon', coordinates: [[[0, 0], [3, 2], [2, 3], [0, 0]]] },
      nested: { a: { b: [1, { c: 2 }] } },
      nul: null,
    })
  })

  it.each([
    [{ n: NaN }, 'test:fail -401002 invalid parameter. at "n": NaN cannot be stored; use null or a finite number'],
    [{ a: { f: () => 1 } }, 'test:fail -401002 invalid parameter. at "a.f": a function cannot be stored'],
    [{ d: new Date('nope') }, 'test:fail -401002 invalid parameter. at "d": the Date is invalid'],
    [{ b: 10n }, 'test:fail -401002 invalid parameter. at "b": a bigint cannot be stored'],
  ])('rejects values JSON would silently change: %o', (value, errMsg) => {
    expect(() => encodeValue(value, 'test')).toThrow(expect.objectContaining({ errMsg }))
  })

  it('rejects a cycle with the path of the repeated object', () => {
    const a: Record<string, unknown> = { x: 1 }
    a.self = { back: a }
    expect(() => encodeValue(a, 'test')).toThrow(/at "self.back": the value is circular/)
  })

  it('keeps a __proto__ key as data instead of changing the prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}}')
    const out = encodeValue(input, 'test') as Record<string, unknown>
    expect(Object.keys(out)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
  })

  it('decodes dates and GeoJSON as the official client does (docs/protocol.md §2.1)', () => {
    const doc = decodeValue({
      at: { $date: 1700000000000 },
      ts: { $timestamp: 1700000000 },
      loc: { type: 'Point', coordinates: [113.3, 23.1] },
      notGeo: { type: 'Point', coordinates: [500, 1] },
      list: [{ $date: 0 }],
    }) as Record<string, unknown>
    expect(doc.at).toEqual(new Date(1700000000000))
    expect(doc.ts).toEqual(new Date(1700000000000))
    expect(doc.loc).toBeInstanceOf(GeoPoint)
    expect(doc.notGeo).toEqual({ type: 'Point', coordinates: [500, 1] })
    expect(doc.list).toEqual([new Date(0)])
  })

  it('decodes own keys only, and a __proto__ key as data', () => {
    const inherited = Object.create({ inherited: { $date: 0 } }) as Record<string, unknown>
    inherited.own = { $date: 0 }
    expect(Object.keys(decodeValue(inherited) as object)).toEqual(['own'])
    const out = decodeValue(JSON.parse('{"__proto__": {"at": {"$date": 0}}, "n": 1}')) as Record<string, unknown>
    expect(Object.keys(out)).toEqual(['__proto__', 'n'])
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect((out.__proto__ as Record<string, unknown>).at).toEqual(new Date(0))
  })

  it('round-trips every Geo type through GeoJSON', () => {
    const multi = new GeoMultiPolygon([square()])
    const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(multi, 't'))))
    expect(back).toBeInstanceOf(GeoMultiPolygon)
    expect(back).toEqual(multi)
  })
})

describe('EJSON reader', () => {
  it('reads canonical and relaxed wrappers', () => {
    expect(
      decodeEJSON({
        i: { $numberInt: '1' },
        l: { $numberLong: '1099511627776' },
        d: { $numberDouble: '2.5' },
        date: { $date: { $numberLong: '1700000000000' } },
        relaxed: { $date: '2023-11-14T22:13:20.000Z' },
        re: { $regularExpression: { pattern: 'a+', options: 'i' } },
        oid: { $oid: '64b7f0c2a1b2c3d4e5f60718' },
        plain: { $numberInt: '1', other: 2 },
      }),
    ).toEqual({
      i: 1,
      l: 1099511627776,
      d: 2.5,
      date: new Date(1700000000000),
      relaxed: new Date(1700000000000),
      re: /a+/i,
      oid: '64b7f0c2a1b2c3d4e5f60718',
      plain: { $numberInt: '1', other: 2 },
    })
  })
})

describe('Geo validation', () => {
  it('rejects out-of-range degrees and open rings with a CloudError', () => {
    expect(() => new GeoPoint(181, 0)).toThrow(/Geo.Point:fail -401002 invalid parameter. longitude must be a number from -180 to 180, got 181/)
    expect(() => new GeoPoint(0, -91)).toThrow(/latitude must be a number from -90 to 90/)
    expect(() => new GeoLineString([new GeoPoint(0, 0)])).toThrow(/at least 2 Points/)
    const open = new GeoLineString([new GeoPoint(0, 0), new GeoPoint(1, 1), new GeoPoint(1, 0), new GeoPoint(0, 1)])
    expect(() => new GeoPolygon([open])).toThrow(/closed/)
  })

  it('validates db.RegExp and serverDate options', () => {
    expect(() => new DbRegExp({ regexp: '' })).toThrow(/non-empty regexp/)
    expect(() => new DbRegExp({ regexp: 'a', options: 'g' })).toThrow(/flags i, m, s, u and x/)
    expect(() => new ServerDate({ offset: NaN })).toThrow(/offset must be a number/)
  })
})
