/**
 * Which host a Taro or uni-app build runs on: the build-time constant written in full (Taro's and uni's
 * bundlers replace `process.env.TARO_ENV` / `process.env.UNI_PLATFORM` only as that exact expression),
 * else the host's run-time answer. The built files must keep the expression intact.
 */
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTaro } from '../fakes/taro'
import { createUni } from '../fakes/uni'

afterEach(() => {
  delete process.env.TARO_ENV
  delete process.env.UNI_PLATFORM
  for (const name of ['Taro', 'uni']) delete (globalThis as Record<string, unknown>)[name]
  vi.resetModules()
})

describe('host detection', () => {
  it('Taro: TARO_ENV when the build defined it, else Taro.getEnv()', async () => {
    Object.assign(globalThis, { Taro: createTaro({ env: 'ALIPAY' }).Taro })
    const { taroEnv } = await import('../../adapters/taro/index')
    expect(taroEnv()).toBe('alipay')
    process.env.TARO_ENV = 'weapp'
    expect(taroEnv()).toBe('weapp')
  })

  it('uni: UNI_PLATFORM when the build defined it, else uni.getSystemInfoSync().uniPlatform', async () => {
    Object.assign(globalThis, { uni: createUni({ vue: 3, uniPlatform: 'mp-alipay' }).uni })
    const { uniPlatform } = await import('../../adapters/uni/index')
    expect(uniPlatform()).toBe('mp-alipay')
    process.env.UNI_PLATFORM = 'h5'
    expect(uniPlatform()).toBe('h5')
  })

  it('the built entries keep `process.env.TARO_ENV` and `process.env.UNI_PLATFORM` whole, for the bundlers to replace', () => {
    for (const [file, expression] of [
      ['dist/taro.js', 'process.env.TARO_ENV'],
      ['dist/taro.cjs', 'process.env.TARO_ENV'],
      ['dist/uni.js', 'process.env.UNI_PLATFORM'],
      ['dist/uni.cjs', 'process.env.UNI_PLATFORM'],
    ] as const) {
      expect(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'), file).toContain(expression)
    }
  })
})
