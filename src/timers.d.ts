// The only host functions the platform-neutral core uses: every mini program host, browser and Node has them.
declare function setTimeout(handler: () => void, ms: number): unknown
declare function clearTimeout(id: unknown): void
