/**
 * The structural host types are loose enough for the real typings: WeChat's `DB.Database`
 * (miniprogram-api-typings) and @cloudbase/js-sdk's `app.database()` are assignable to `HostDatabase`
 * without casts, and a database missing `collection` is not. Checked in a program of its own, because
 * the wx typings declare globals (`wx`, `App`, `Page`) the other tests must not see.
 */
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
const virtual = join(root, 'test/native/host-fit.virtual.ts')

function diagnostics(source: string): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    types: ['miniprogram-api-typings'],
    typeRoots: [join(root, 'node_modules')],
  }
  const host = ts.createCompilerHost(options)
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (name, version, ...rest) =>
    name === virtual ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest)
  const fileExists = host.fileExists.bind(host)
  host.fileExists = (name) => name === virtual || fileExists(name)
  const program = ts.createProgram([virtual], options, host)
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && d.file.fileName === virtual)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
}

describe('HostDatabase fits the hosts\' own typings', () => {
  it('wx.cloud.database() and js-sdk app.database() are HostDatabases; an object without collection() is not', () => {
    const errors = diagnostics(`
      import type { HostDatabase } from '../../src/native/index'
      import type cloudbase from '@cloudbase/js-sdk'
      declare const app: ReturnType<typeof cloudbase.init>
      export const wxDatabase: HostDatabase = wx.cloud.database()
      export const typedWx: HostDatabase = ({} as DB.Database)
      export const jsSdk: HostDatabase = app.database()
      export const wrong: HostDatabase = { command: {} }
    `)
    expect(errors).toEqual([expect.stringContaining("Property 'collection' is missing")])
  }, 60_000)
})
