/**
 * `npx mpcloud emulator` run in examples/cloudfunctions (the command line from source, in its own process, in
 * that folder): it finds the functions through project.config.json and the env, route, trigger and seed
 * through mpcloud.json, so a signed-in client's call of `login` answers and the HTTP access route serves `api`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulatorCommand, type RunningCommand } from '../helpers/cli'
import { anonymousToken } from '../helpers/web'
import { PROJECT } from './guide-project'

const CLI = new URL('../../emulator/cli.ts', import.meta.url).pathname

let command: RunningCommand
beforeAll(async () => {
  command = await startEmulatorCommand(['--import', 'tsx', CLI, 'emulator', '--port', '0', '--http-port', '0'], PROJECT)
}, 30_000)
afterAll(async () => {
  await command.stop()
})

describe('npx mpcloud emulator in examples/cloudfunctions', () => {
  it('serves env guide-env and its functions: login answers the caller’s openid', async () => {
    expect(command.output()).toContain('project.config.json (functions in cloudfunctions/)')
    const access_token = await anonymousToken({ url: command.url })
    const answer = await fetch(`${command.url}/web`, { method: 'POST', body: JSON.stringify({ action: 'functions.invokeFunction', env: 'guide-env', access_token, function_name: 'login', request_data: '{}' }) })
    const { data } = (await answer.json()) as { data: { response_data: string } }
    expect(JSON.parse(data.response_data)).toEqual({ openid: expect.any(String), appid: expect.stringMatching(/^wx/) })
  }, 30_000)

  it('serves mpcloud.json’s route /api → api on the HTTP access port', async () => {
    const http = /(http:\/\/\S+)\/api → api/.exec(command.output())
    expect(http).not.toBeNull()
    const listed = await fetch(`${http![1]}/api/users`)
    expect(listed.status).toBe(200)
    expect(await listed.json()).toEqual([{ _id: 'u-ada' }])
  }, 30_000)
})
