/**
 * What both examples' toolchain tests read the same way: the app's mpcloud.json (the fixture the expected
 * todos come from), and the questions asked of a build's output.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { filesIn } from './checks'

interface SeedTodo {
  title: string
  done: boolean
  priority: number
}

/** The app's project file, and its open seeded todos' titles as the page lists them (highest priority first). */
export function readExampleProject(app: string): { env: string; seededTitles: string[] } {
  const project = JSON.parse(readFileSync(join(app, 'mpcloud.json'), 'utf8')) as { env: string; seed: { todos: SeedTodo[] } }
  const seededTitles = project.seed.todos
    .filter((todo) => !todo.done)
    .sort((a, b) => b.priority - a.priority)
    .map((todo) => todo.title)
  return { env: project.env, seededTitles }
}

/**
 * The files under `dir` (any kind: scripts, JSON, templates) whose text contains `text`, source maps left out:
 * they hold mpcloud's sources, which name the endpoint constant in every build.
 */
export const filesContaining = (dir: string, text: string) =>
  filesIn(dir, '').filter((file) => !file.endsWith('.map') && readFileSync(join(dir, file), 'utf8').includes(text))

/** The total of `occurrences()`' per-file counts. */
export const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0)

/** The DevTools project file a mini program build wrote. */
export const projectConfig = (dir: string) => JSON.parse(readFileSync(join(dir, 'project.config.json'), 'utf8')) as { setting: { urlCheck?: boolean } }
