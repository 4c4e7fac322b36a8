/**
 * A TCP relay between a functions server and the pooler that reads the PostgreSQL protocol
 * going through it: the client's flights (everything it sent before the next reply) while
 * `recording` is on, and, on every connection, how many calls were sent and not answered yet
 * (a Sync or Query sent, its ReadyForQuery not received), the most ever seen at once.
 */
type Flight = { bytes: number[] };

export type PoolerRelay = {
  port: number;
  state: {
    recording: boolean;
    flights: Flight[];
    connections: number;
    /** The most calls outstanding at once on one connection, since the relay started. */
    mostOutstanding: number;
  };
  close: () => Promise<void>;
};

/** The messages of one direction of a connection, framed across reads. */
class MessageReader {
  private pending = new Uint8Array(0);
  // The client's first message (the startup message) carries no type byte.
  constructor(private untypedFirst: boolean) {}

  /** The type bytes of the messages completed by this chunk. */
  push(chunk: Uint8Array): string[] {
    const joined = new Uint8Array(this.pending.length + chunk.length);
    joined.set(this.pending);
    joined.set(chunk, this.pending.length);
    const view = new DataView(joined.buffer);
    const types: string[] = [];
    let at = 0;
    for (;;) {
      const header = this.untypedFirst ? 0 : 1;
      if (joined.length - at < header + 4) break;
      const end = at + header + view.getInt32(at + header);
      if (joined.length < end) break;
      if (!this.untypedFirst) types.push(String.fromCharCode(joined[at]!));
      this.untypedFirst = false;
      at = end;
    }
    this.pending = joined.slice(at);
    return types;
  }
}

export function startPoolerRelay(upstream: { hostname: string; port: number }): PoolerRelay {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const state = { recording: false, flights: [] as Flight[], connections: 0, mostOutstanding: 0 };
  let lastFromClient = false;

  const relay = (client: Deno.Conn, server: Deno.Conn) => {
    // Counted from the end of authentication (its ReadyForQuery answers no call).
    let ready = false;
    let outstanding = 0;
    const pipe = async (from: Deno.Conn, to: Deno.Conn, side: "client" | "server") => {
      const reader = new MessageReader(side === "client");
      const buffer = new Uint8Array(64 * 1024);
      try {
        for (;;) {
          const n = await from.read(buffer);
          if (n === null) break;
          const chunk = buffer.subarray(0, n);
          for (const type of reader.push(chunk)) {
            if (side === "client" && ready && (type === "S" || type === "Q")) {
              outstanding++;
              state.mostOutstanding = Math.max(state.mostOutstanding, outstanding);
            }
            if (side === "server" && type === "Z") ready ? outstanding-- : (ready = true);
          }
          if (side === "client" && state.recording) {
            if (!lastFromClient) state.flights.push({ bytes: [] });
            state.flights.at(-1)!.bytes.push(...chunk);
          }
          lastFromClient = side === "client";
          await to.write(chunk);
        }
      } catch { /* either side closed */ }
      try {
        to.close();
      } catch { /* already closed */ }
    };
    pipe(client, server, "client");
    pipe(server, client, "server");
  };

  const accepting = (async () => {
    for await (const client of listener) {
      state.connections++;
      relay(client, await Deno.connect(upstream));
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    state,
    close: async () => {
      listener.close();
      await accepting;
    },
  };
}

/** The protocol messages of one flight: type byte and length (Int32, including itself). */
export function flightMessages(bytes: number[]): string[] {
  const types: string[] = [];
  for (let at = 0; at < bytes.length;) {
    const length = (bytes[at + 1]! << 24) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 8) |
      bytes[at + 4]!;
    types.push(String.fromCharCode(bytes[at]!));
    at += 1 + length;
  }
  return types;
}

/** SEALOG_DB_URL through a new relay: the relay and the URL to give a functions server. */
export function relayedDatabaseUrl(): { relay: PoolerRelay; url: string } {
  const url = new URL(Deno.env.get("SEALOG_DB_URL")!);
  const relay = startPoolerRelay({ hostname: url.hostname, port: Number(url.port) });
  url.port = String(relay.port);
  return { relay, url: url.href };
}
