/**
 * Runs an emulator in this process on a data dir and prints its URL: the child of the durability test,
 * which kills it with SIGKILL. Usage: node --import tsx test/helpers/emulator-process.ts <dataDir>
 */
import { startEmulator } from '../../emulator/index'

const dataDir = process.argv[2]
if (!dataDir) throw new Error('usage: emulator-process.ts <dataDir>')
const emulator = await startEmulator({ port: 0, dataDir, collections: ['log'] })
process.stdout.write(`${emulator.url}\n`)
