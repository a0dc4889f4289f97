/** Our SDK over a recording transport, as the conformance tests drive it. */
import { Aggregate, createCloud, createCommand, type Database, type ProtocolRequest } from '../../src/index'
import { defaultResponse, recordingTransport, type RecordingTransport } from '../helpers/recording-transport'

export interface OurHarness {
  db: Database
  _: Database['command']
  transport: RecordingTransport
}

/** `doc().get()` fails on an empty list, so DOC reads find the document they ask for. */
function respond(request: ProtocolRequest) {
  if (request.action === 'database.queryDocument' && request.queryType === 'DOC') {
    return { requestId: 'r', data: { list: [request.query] } }
  }
  return defaultResponse(request)
}

/** `createCloud({ transport, commands: createCommand, aggregate: Aggregate })`, `init({ env })`, `database()`. */
export function ourDb(env = 'e'): OurHarness {
  const transport = recordingTransport(respond)
  const cloud = createCloud({ transport, commands: createCommand, aggregate: Aggregate })
  cloud.init({ env })
  const db = cloud.database()
  return { db, _: db.command, transport }
}
