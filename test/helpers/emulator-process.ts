/**
 * Runs an emulator in this process on a data dir and prints its URL: the child of the durability test,
 * which kills it with SIGKILL, and of the HTTP bench (so client and server get a core each).
 * Usage: node --import tsx test/helpers/emulator-process.ts <dataDir> [collection ...]; the environment
 * variable MPCLOUD_RULES (JSON, or `open`) gives its security rules (CloudBase's defaults without it).
 */
import { startEmulator, type RulesInForce } from '../../emulator/index'

const [dataDir, ...collections] = process.argv.slice(2)
if (!dataDir) throw new Error('usage: emulator-process.ts <dataDir> [collection ...]')
const rulesText = process.env.MPCLOUD_RULES
const rules: RulesInForce | undefined = rulesText === undefined ? undefined : rulesText === 'open' ? 'open' : (JSON.parse(rulesText) as RulesInForce)
const emulator = await startEmulator({ port: 0, dataDir, collections: collections.length ? collections : ['log'], ...(rules !== undefined ? { rules } : {}) })
process.stdout.write(`${emulator.url}\n`)
