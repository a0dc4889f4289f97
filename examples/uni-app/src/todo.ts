/**
 * The `todos` collection's documents (the shape of the repository's seed data), declared once for mpcloud:
 * from here on `db.collection('todos')` is typed everywhere: `where()`, `orderBy()`, `update()`, `add()`,
 * `aggregate()` and `watch()` check field names and values, and `get()` returns `Stored<Todo>[]`.
 */
export interface Todo {
  title: string
  done: boolean
  priority: number
  tags: string[]
  owner: { name: string; level: number }
  createdAt: Date
}

declare module 'mpcloud' {
  interface CollectionTypes {
    todos: Todo
  }
}
