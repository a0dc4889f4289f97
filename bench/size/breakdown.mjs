// Where the bytes of a size case go: `node bench/size/breakdown.mjs bench/size/wx-full.js` bundles it as
// size-limit does (esbuild, minified, ES2015) and prints each module's minified bytes in the output.
// Point it at a copy of a case that imports '../../adapters/wx/index.ts' (not dist) to see src files.
import * as esbuild from 'esbuild'
import { gzipSync } from 'node:zlib'

const entry = process.argv[2]
if (!entry) throw new Error('usage: node bench/size/breakdown.mjs <size case>')
const result = await esbuild.build({
  entryPoints: [entry],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2015',
  platform: 'neutral',
  external: ['@tarojs/taro'],
  write: false,
  metafile: true,
})
const output = result.outputFiles[0].contents
console.log(`${entry}: ${output.length} B minified, ${gzipSync(output).length} B gzip`)
const inputs = Object.entries(Object.values(result.metafile.outputs)[0].inputs)
for (const [file, { bytesInOutput }] of inputs.sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)) {
  if (bytesInOutput) console.log(String(bytesInOutput).padStart(7), file)
}
