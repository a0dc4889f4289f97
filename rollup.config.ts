/**
 * ESM + CJS bundles and one bundled `.d.ts` per entry. A circular import fails the build
 * (ARCHITECTURE.md, import rule 8); modules are declared side-effect free so unused features drop out.
 */
import { defineConfig, type RollupLog } from 'rollup'
import { dts } from 'rollup-plugin-dts'
import esbuild from 'rollup-plugin-esbuild'

/** Public entries: `exports` in package.json maps each one. */
const entries = { index: 'src/index.ts' }

function failOnCircular(log: RollupLog, warn: (log: RollupLog) => void): void {
  if (log.code === 'CIRCULAR_DEPENDENCY') throw new Error(`circular import: ${log.message}`)
  warn(log)
}

export default defineConfig([
  {
    input: entries,
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'shared/[name]-[hash].js' },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'shared/[name]-[hash].cjs' },
    ],
    // ES2015 is what every mini program host runs (no optional chaining, no `??`).
    plugins: [esbuild({ target: 'es2015', tsconfig: 'tsconfig.json' })],
    treeshake: { moduleSideEffects: false },
    onwarn: failOnCircular,
  },
  {
    input: entries,
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts' },
    plugins: [dts({ tsconfig: 'tsconfig.json' })],
    onwarn: failOnCircular,
  },
])
