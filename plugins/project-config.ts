/**
 * WeChat DevTools refuses requests to domains not listed for the app, and `http://127.0.0.1` never can be:
 * its "do not check domains" switch is `setting.urlCheck: false` in `project.config.json`. The plugins write
 * it into the build's output copy of that file (what DevTools opens) in development builds only, so the
 * source file and every production build keep the check.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'

/** `text` (a project.config.json) with `setting.urlCheck` false, or undefined when it is false already. */
export function withUrlCheckOff(text: string, file: string): string | undefined {
  let config: unknown
  try {
    config = JSON.parse(text)
  } catch (error) {
    throw new Error(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (!config || typeof config !== 'object' || Array.isArray(config)) throw new Error(`${file} must hold a JSON object`)
  const project = config as { setting?: Record<string, unknown> }
  const setting = project.setting && typeof project.setting === 'object' ? project.setting : {}
  if (setting.urlCheck === false) return undefined
  project.setting = Object.assign({}, setting, { urlCheck: false })
  return `${JSON.stringify(project, null, 2)}\n`
}

/** Turns the domain check off in the generated `file`; true when the file exists (whether or not it changed). */
export function turnOffUrlCheck(file: string): boolean {
  if (!existsSync(file)) return false
  const changed = withUrlCheckOff(readFileSync(file, 'utf8'), file)
  if (changed !== undefined) writeFileSync(file, changed)
  return true
}
