/**
 * docs/architecture.md import rule 4: nothing in src/ touches a host global. dependency-cruiser checks the
 * imports (`npm run lint`); this checks the globals, which no import graph shows.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = new URL('../../src/', import.meta.url).pathname
const HOST_GLOBALS = /(?<![.\w$'"`])(wx|my|Taro|uni|window|document|process|Buffer|globalThis|require)\s*[.([]/

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
  })
}

/** Source without comments and string contents, so prose like "wx.cloud" in a TSDoc does not count. */
function code(path: string): string {
  return readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/(['"`])(?:\\.|(?!\1)[^\\])*\1/g, '""')
}

describe('src/ is platform-neutral', () => {
  it('the checker finds a host global when there is one', () => {
    expect(HOST_GLOBALS.test('const x = wx.request({})')).toBe(true)
    expect(HOST_GLOBALS.test('if (process.env.X) {}')).toBe(true)
    expect(HOST_GLOBALS.test('const my = 1; a.wx.b')).toBe(false)
  })

  for (const path of files(SRC)) {
    it(`${path.slice(SRC.length)} uses no host global`, () => {
      const match = code(path).match(HOST_GLOBALS)
      expect(match && match[0]).toBeNull()
    })
  }
})
