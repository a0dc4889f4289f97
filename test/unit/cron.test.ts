/**
 * CloudBase's 7-field timer cron (reference cloudbase-backend.md §3a): the times it gives, from fixed dates, in
 * Beijing time (UTC+8), and a message naming the field for everything CloudBase refuses.
 * Calendar facts used: 2026-12-02 is a Wednesday, 2026-12-07 a Monday; 2028 is a leap year, 2027 is not.
 */
import { describe, expect, it } from 'vitest'
import { parseCron } from '../../emulator/triggers/cron'

const WED_0800_BEIJING = new Date('2026-12-02T00:00:00Z')
const times = (cron: string, count: number, after: Date = WED_0800_BEIJING) => parseCron(cron).upcoming(count, after).map((date) => date.toISOString())

describe('the times of a CloudBase cron', () => {
  it('reads the first field as seconds, and gives only times strictly after the one given', () => {
    expect(times('*/5 * * * * * *', 3)).toEqual(['2026-12-02T00:00:05.000Z', '2026-12-02T00:00:10.000Z', '2026-12-02T00:00:15.000Z'])
    expect(parseCron('*/5 * * * * * *').next(new Date('2026-12-02T00:00:05Z'))!.toISOString()).toBe('2026-12-02T00:00:10.000Z')
  })

  it('runs in UTC+8: 02:00 on the 1st is 18:00 UTC the day before', () => {
    expect(times('0 0 2 1 * * *', 2)).toEqual(['2026-12-31T18:00:00.000Z', '2027-01-31T18:00:00.000Z'])
    // 07:00 Beijing has passed at 08:00 Beijing: the next is tomorrow's, 23:00 UTC today.
    expect(times('0 0 7 * * * *', 1)).toEqual(['2026-12-02T23:00:00.000Z'])
  })

  it('takes weekday names and ranges, 0 = Sunday', () => {
    // From Friday 11:00 Beijing, 10:15 on weekdays: Monday the 7th, then Tuesday.
    expect(times('0 15 10 * * MON-FRI *', 2, new Date('2026-12-04T03:00:00Z'))).toEqual(['2026-12-07T02:15:00.000Z', '2026-12-08T02:15:00.000Z'])
    expect(parseCron('0 0 0 * * SUN *').values[5]).toEqual([0])
    expect(parseCron('0 0 0 * * sun *').pattern).toBe(parseCron('0 0 0 * * 0 *').pattern)
    expect(times('0 0 0 * * 0 *', 1)).toEqual(['2026-12-05T16:00:00.000Z'])
  })

  it('takes month names, in any case', () => {
    expect(parseCron('0 0 0 1 JAN,jul * *').values[4]).toEqual([1, 7])
    expect(times('0 0 0 1 JAN,jul * *', 2)).toEqual(['2026-12-31T16:00:00.000Z', '2027-06-30T16:00:00.000Z'])
  })

  it('ORs day and weekday when both are restricted', () => {
    // The 15th, or any Monday.
    expect(times('0 0 12 15 * MON *', 4)).toEqual(['2026-12-07T04:00:00.000Z', '2026-12-14T04:00:00.000Z', '2026-12-15T04:00:00.000Z', '2026-12-21T04:00:00.000Z'])
    expect(times('0 0 12 15 * * *', 2)).toEqual(['2026-12-15T04:00:00.000Z', '2027-01-15T04:00:00.000Z'])
    expect(times('0 0 12 * * MON *', 2)).toEqual(['2026-12-07T04:00:00.000Z', '2026-12-14T04:00:00.000Z'])
  })

  it('counts a field that allows every value as unrestricted, however it is written', () => {
    // `*/1` in the day allows every day: only the weekday restricts, so Mondays only.
    expect(times('0 0 12 */1 * MON *', 2)).toEqual(['2026-12-07T04:00:00.000Z', '2026-12-14T04:00:00.000Z'])
    expect(parseCron('0 0 0 1-31 * 0-6 *').pattern).toBe('0 0 0 * * * *')
  })

  it('has a year field, 1970–2099', () => {
    expect(times('0 0 2 * * * 2030', 1)).toEqual(['2029-12-31T18:00:00.000Z'])
    expect(times('0 0 0 1 1 * 2027-2028', 3)).toEqual(['2026-12-31T16:00:00.000Z', '2027-12-31T16:00:00.000Z'])
    expect(parseCron('0 0 0 1 1 * 2020').next(WED_0800_BEIJING)).toBeNull()
    expect(times('0 0 0 29 2 * *', 1)).toEqual(['2028-02-28T16:00:00.000Z'])
  })

  it('reads a step after a value as CloudBase does: 1/10 in the minutes is 1, 11, 21, ...', () => {
    expect(parseCron('0 1/10 * * * * *').values[1]).toEqual([1, 11, 21, 31, 41, 51])
    expect(parseCron('0 */30 9-17 * * * *').values.slice(1, 3)).toEqual([[0, 30], [9, 10, 11, 12, 13, 14, 15, 16, 17]])
    expect(parseCron('0 0 10,14,16 * * * *').values[2]).toEqual([10, 14, 16])
    expect(parseCron('0 0 8-20/4 * * * *').values[2]).toEqual([8, 12, 16, 20])
  })

  it("reads the reference's examples", () => {
    for (const cron of ['*/5 * * * * * *', '0 0 2 1 * * *', '0 15 10 * * MON-FRI *', '0 0 10,14,16 * * * *', '0 */30 9-17 * * * *', '0 0 12 * * WED *']) {
      expect(parseCron(cron).next(WED_0800_BEIJING)).toBeInstanceOf(Date)
    }
  })
})

describe('a cron CloudBase refuses', () => {
  it.each([
    ['0 0 25 * * * *', 'field 3 (hour) "25" is out of range 0–23'],
    ['60 * * * * * *', 'field 1 (second) "60" is out of range 0–59'],
    ['0 60 * * * * *', 'field 2 (minute) "60" is out of range 0–59'],
    ['0 0 0 0 * * *', 'field 4 (day) "0" is out of range 1–31'],
    ['0 0 0 1 13 * *', 'field 5 (month) "13" is out of range 1–12'],
    ['0 0 0 * * 7 *', 'field 6 (weekday) "7" is out of range 0–6 (0 is Sunday; 7 is not taken)'],
    ['0 0 0 * * * 1969', 'field 7 (year) "1969" is out of range 1970–2099'],
    ['0 0 0 * * * 2000-2100', 'field 7 (year) "2100" is out of range 1970–2099'],
    ['0 0 1,25 * * * *', 'field 3 (hour) "25" is out of range 0–23'],
    ['0 0 0 ? * MON *', 'field 4 (day) "?" uses "?", which CloudBase\'s cron does not take (no ?, L, W or #): write * (day and weekday are OR-ed when both are restricted)'],
    ['0 0 0 L * * *', 'field 4 (day) "L" uses "L", which CloudBase\'s cron does not take (no ?, L, W or #)'],
    ['0 0 0 15W * * *', 'field 4 (day) "15W" uses "W", which CloudBase\'s cron does not take (no ?, L, W or #)'],
    ['0 0 0 * * 5L *', 'field 6 (weekday) "5L" uses "L", which CloudBase\'s cron does not take (no ?, L, W or #)'],
    ['0 0 0 * * 5#2 *', 'field 6 (weekday) "5#2" uses "#", which CloudBase\'s cron does not take (no ?, L, W or #)'],
    ['0 0 0 * JANUARY * *', 'field 5 (month) "JANUARY" is not a month: this field takes 1–12 or JAN–DEC'],
    ['0 0 0 * * MONDAY *', 'field 6 (weekday) "MONDAY" is not a weekday: this field takes 0–6 or SUN–SAT, 0 = Sunday'],
    ['0 0 0 * MON * *', 'field 5 (month) "MON" is a weekday name, which only field 6 (weekday) takes: this field takes 1–12 or JAN–DEC'],
    ['0 0 JAN * * * *', 'field 3 (hour) "JAN" is a month name, which only field 5 (month) takes: this field takes 0–23'],
    ['x * * * * * *', 'field 1 (second) "x" is not a whole number: this field takes 0–59, with , - * /'],
    ['1.5 * * * * * *', 'field 1 (second) "1.5" is not a whole number: this field takes 0–59, with , - * /'],
    ['/5 * * * * * *', 'field 1 (second) "/5" has no start before "/": write "*/5" or "0/5"'],
    ['5/ * * * * * *', 'field 1 (second) "5/" has no step after "/", e.g. "*/5"'],
    ['*/0 * * * * * *', 'field 1 (second) "*/0" has the step "0": a step is a whole number from 1 to 60'],
    ['0 0 17-9 * * * *', 'field 3 (hour) "17-9" is a range that runs backwards: write the smaller value first, "9-17"'],
    ['0 0 9- * * * *', 'field 3 (hour) "9-" has a range with a missing end: write "from-to" with values 0–23'],
    ['1,,2 * * * * * *', 'field 1 (second) "1,,2" has an empty item: a list is values separated by single commas, e.g. "1,15,30"'],
    ['0 0 0 30 2 * *', 'field 4 (day) "30" never falls in field 5 (month) "2": the cron would never fire'],
    ['0 0 0 31 4,6,9,11 * *', 'field 4 (day) "31" never falls in field 5 (month) "4,6,9,11": the cron would never fire'],
    ['0 0 0 29 FEB * 2027', 'field 4 (day) "29" never falls in field 5 (month) "FEB" of field 7 (year) "2027": the cron would never fire'],
  ])('%s: %s', (cron, message) => {
    expect(() => parseCron(cron)).toThrow(message)
    // The message is all of it.
    try {
      parseCron(cron)
    } catch (error) {
      expect((error as Error).message).toBe(message)
    }
  })

  it('still takes the 30th of February with a weekday: it fires on that weekday in February', () => {
    // Monday 2027-02-01, 00:00 Beijing.
    expect(times('0 0 0 30 2 MON *', 1)).toEqual(['2027-01-31T16:00:00.000Z'])
  })

  it('gives a 5-field Unix cron and a 6-field one the 7-field form to write', () => {
    expect(() => parseCron('30 2 * * 1')).toThrow(`this looks like a 5-field Unix cron: CloudBase's has 7 fields, seconds first and year last: "0 30 2 * * 1 *"`)
    expect(() => parseCron('0 30 2 * * 1')).toThrow(`this looks like a 6-field cron with seconds and no year: CloudBase's has 7 fields, the year last: "0 30 2 * * 1 *"`)
    expect(() => parseCron('0 0 0 * * * * *')).toThrow(`CloudBase's cron has 7 fields (second minute hour day month weekday year), this has 8: "0 0 0 * * * * *"`)
    expect(() => parseCron('  ')).toThrow(`the cron is empty: CloudBase's has 7 fields, second minute hour day month weekday year, e.g. "0 0 2 * * * *"`)
  })
})
