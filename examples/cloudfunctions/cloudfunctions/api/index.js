// The guide's api function, served by HTTP access (mpcloud.json "http": { "/api": "api" }): GET and POST /api/users.
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()

/** An integration response with a JSON body; the guide's had no content-type header, so clients got no JSON type. */
const json = (statusCode, value) => ({ statusCode, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(value) })

exports.main = async (event) => {
  // CloudBase gives event.httpMethod (the guide's event.method does not exist), and event.path relative to the route: /api/users is '/users'.
  const { httpMethod, path } = event
  if (httpMethod === 'GET' && path === '/users') {
    const users = await db.collection('users').field({ name: true, email: true }).limit(10).get()
    return json(200, users.data)
  }
  if (httpMethod === 'POST' && path === '/users') {
    // The body is a string, base64 when CloudBase took it for binary (isBase64Encoded).
    const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body
    let body
    try {
      body = text ? JSON.parse(text) : {}
    } catch (err) {
      return json(400, { error: 'the body must be JSON' })
    }
    const { name, email } = body
    if (!name || !email) return json(400, { error: 'Name and email are required' })
    const result = await db.collection('users').add({ data: { name, email, createdAt: db.serverDate() } })
    return json(201, { id: result._id })
  }
  return json(404, { error: 'Not found' })
}
