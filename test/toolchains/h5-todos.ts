/**
 * The examples' todos page as a person uses it, in Chromium, against a running emulator: both examples
 * (Taro's and uni-app's H5 builds) render the same page with the same classes and button labels, so one
 * scenario checks both. What the page shows is compared with what the emulator stored, read back as the
 * administrator; the second client is another user on mpcloud/node (mpcloud/testing's context).
 */
import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { expect } from 'vitest'
import type { RunningEmulator } from '../../emulator/index'
import { createTestEnvironment } from '../../testing/index'

/** A 1×1 PNG: what the file chooser hands the page's `chooseImage`. */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')

/** Waits up to `ms` for what is usually a watch's push or a request's answer. */
const SOON = { timeout: 15_000 }

const titles = (page: Page) => page.locator('.todo .todo-title').allInnerTexts()
const row = (page: Page, title: string) => page.locator('.todo', { hasText: title })
/** Clicks the control labelled `label` (Taro's `<taro-button-core>`, uni's `<uni-button>`), inside `scope` when given. */
const press = (scope: Page | ReturnType<typeof row>, label: string) => scope.getByText(label, { exact: true }).click()

async function expectTitles(page: Page, expected: string[]) {
  await expect.poll(() => titles(page), SOON).toEqual(expected)
}

/**
 * Opens `appUrl` and works the page: the seeded open todos listed (`seeded`: their titles, highest priority
 * first); the caller's identity from the `login` function; add, complete and delete; another user's todo
 * arriving through the page's watch; a refused write (the rules let only the owner write); a file upload.
 */
export async function checkTodosApp(browser: Browser, appUrl: string, emulator: RunningEmulator, seeded: string[]): Promise<void> {
  const env = await createTestEnvironment({ emulator })
  const context = await browser.newContext()
  const page = await context.newPage()
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  try {
    await page.goto(appUrl)
    await expectTitles(page, seeded)
    await expect.poll(() => page.locator('.summary').innerText(), SOON).toBe(`${seeded.length} open`)

    // The login function answers with the caller's openid.
    await expect.poll(() => page.locator('.whoami').innerText(), SOON).toMatch(/^signed in as \S+/)
    const openid = (await page.locator('.whoami').innerText()).replace('signed in as ', '').trim()

    // Add two: each appears (the page's own watch shows it), stored as this user's.
    const [first, second] = ['Buy oat milk (browser)', 'Call the plumber (browser)']
    for (const title of [first, second]) {
      await page.locator('.add-input input').fill(title)
      await press(page, 'Add')
      await row(page, title).waitFor(SOON)
    }
    const stored = await env.withRulesDisabled(async (admin) => (await admin.database().collection('todos').where({ title: first }).get()).data)
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({ title: first, done: false, priority: 2, owner: { name: 'me', level: 1 } })
    // The function saw the same caller the database did.
    expect(stored[0]!._openid).toBe(openid)

    // Complete one: it leaves the open list, and is stored done with the owner's level raised by _.inc(1).
    await press(row(page, first), 'Done')
    await row(page, first).waitFor({ state: 'detached', ...SOON })
    const done = await env.withRulesDisabled(async (admin) => (await admin.database().collection('todos').where({ title: first }).get()).data[0])
    expect(done).toMatchObject({ done: true, owner: { level: 2 } })

    // Delete the other: gone from the page and from the store.
    await press(row(page, second), 'Delete')
    await row(page, second).waitFor({ state: 'detached', ...SOON })
    expect(await env.withRulesDisabled(async (admin) => (await admin.database().collection('todos').where({ title: second }).count()).total)).toBe(0)

    // Another user's todo arrives through the watch, without a reload.
    const theirs = 'Water the plants (second client)'
    const other = env.authenticatedContext('o-second-client')
    await other.database().collection('todos').add({ data: { title: theirs, done: false, priority: 3, tags: [], owner: { name: 'sam', level: 1 }, createdAt: new Date() } })
    await row(page, theirs).waitFor(SOON)
    await expect.poll(() => page.locator('.summary').innerText(), SOON).toBe(`${seeded.length + 1} open`)

    // Its owner alone may change it: this user's "Done" is refused, shown, and changes nothing.
    await press(row(page, theirs), 'Done')
    await expect.poll(() => page.locator('.error').count(), SOON).toBe(1)
    expect(await page.locator('.error').innerText()).not.toBe('')
    const untouched = await env.withRulesDisabled(async (admin) => (await admin.database().collection('todos').where({ title: theirs }).get()).data[0])
    expect(untouched).toMatchObject({ done: false, _openid: 'o-second-client' })

    // Upload: the chosen file is stored under the fileID the page shows, with its bytes.
    const chooser = page.waitForEvent('filechooser', SOON)
    await press(page, 'Attach')
    await (await chooser).setFiles({ name: 'pixel.png', mimeType: 'image/png', buffer: PIXEL })
    await expect.poll(() => page.locator('.attachment').innerText(), SOON).toMatch(/cloud:\/\/\S+/)
    const fileID = (/cloud:\/\/\S+/.exec(await page.locator('.attachment').innerText()) || [''])[0]
    const downloaded = await env.withRulesDisabled(({ cloud }) => cloud.downloadFile({ fileID }))
    expect(readFileSync(downloaded.tempFilePath).equals(PIXEL)).toBe(true)

    expect(problems).toEqual([])
  } catch (error) {
    // What the page showed when it went wrong: its text says more than a timeout does.
    const text = await page.locator('body').innerText().catch(() => '(no page)')
    throw new Error(`${(error as Error).message}\n--- the page showed:\n${text}\n--- ${problems.join('\n')}`, { cause: error })
  } finally {
    await context.close()
    await env.cleanup()
  }
}
