/**
 * The Node platform with a network the test controls: `drop()` cuts the current socket the way a
 * phone losing signal does (what is in flight is lost, the client hears only that the socket closed),
 * and `hide()`/`show()` play the host app going to the background and back.
 */
import { nodePlatform, type Platform, type Socket, type SocketHandlers } from './sdk'

export interface UnreliableNetwork {
  platform: Platform
  /** Sockets opened so far. */
  readonly opened: number
  /** Sockets cut so far. */
  readonly cuts: number
  /** Cuts the current socket, if one is up. */
  drop(): void
  hide(): void
  show(): void
}

export function unreliableNetwork(): UnreliableNetwork {
  const hiders: (() => void)[] = []
  const showers: (() => void)[] = []
  let current: { socket: Socket; handlers: SocketHandlers; cut: boolean } | undefined
  let opened = 0
  let cuts = 0
  const platform: Platform = {
    request: nodePlatform.request,
    connectSocket(url, handlers) {
      const link = { socket: undefined as unknown as Socket, handlers, cut: false }
      const relay: SocketHandlers = {
        onOpen: () => !link.cut && handlers.onOpen(),
        onMessage: (data) => !link.cut && handlers.onMessage(data),
        onClose: (code, reason) => !link.cut && handlers.onClose(code, reason),
        onError: (message) => !link.cut && handlers.onError(message),
      }
      link.socket = nodePlatform.connectSocket!(url, relay)
      current = link
      opened++
      return link.socket
    },
    onAppHide: (listener) => hiders.push(listener),
    onAppShow: (listener) => showers.push(listener),
  }
  return {
    platform,
    get opened() {
      return opened
    },
    get cuts() {
      return cuts
    },
    drop() {
      const link = current
      if (!link || link.cut) return
      link.cut = true
      cuts++
      link.socket.close(4000, 'network lost')
      link.handlers.onClose(1006, 'network lost')
    },
    hide: () => hiders.forEach((listener) => listener()),
    show: () => showers.forEach((listener) => listener()),
  }
}
