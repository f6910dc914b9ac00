/**
 * A TCP proxy in front of the S3 server, for the fault tests: it forwards, refuses connections
 * (the server is gone: ECONNREFUSED), or accepts them and never answers (the server hangs). It
 * also notes the request line of every request it forwards, so a test can act at an exact point
 * (e.g. kill the CLI at its first UploadPart).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export type ProxyMode = 'forward' | 'refuse' | 'hang';

export interface TcpProxy {
  readonly endpoint: string;
  /** Request lines forwarded so far, e.g. `PUT /bucket/key?partNumber=1&uploadId=… HTTP/1.1`. */
  readonly requests: string[];
  setMode(mode: ProxyMode): Promise<void>;
  /** Called with each request line as it is forwarded. */
  onRequest?: (line: string) => void;
  /** Runs `action` once, when the `count`-th PUT (object or part) is forwarded. */
  atPut(count: number, action: () => void): void;
  stop(): Promise<void>;
}

const REQUEST_LINE = /^(GET|PUT|POST|HEAD|DELETE) \S+ HTTP\/1\.[01]/gm;

export async function startTcpProxy(upstream: string, initial: ProxyMode = 'forward'): Promise<TcpProxy> {
  const target = new URL(upstream);
  const sockets = new Set<Socket>();
  let mode: ProxyMode = initial;
  let server: Server | undefined;
  let port = 0;

  const proxy: TcpProxy = {
    endpoint: '',
    requests: [],
    async setMode(next) {
      mode = next;
      if (next === 'refuse') {
        // The server is gone: no listener (new connections are refused), open ones are cut.
        for (const socket of sockets) socket.destroy();
        await closeServer();
      } else if (server === undefined) {
        await listen();
      }
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await closeServer();
    },
    atPut(count, action) {
      let puts = 0;
      proxy.onRequest = (line) => {
        if (line.startsWith('PUT ') && (puts += 1) === count) action();
      };
    },
  };

  function onConnection(client: Socket): void {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    // A hung server: the connection is accepted, the request read, and nothing is ever answered.
    if (mode === 'hang') {
      client.resume();
      return;
    }
    const upstreamSocket = connect(Number(target.port), target.hostname);
    sockets.add(upstreamSocket);
    upstreamSocket.on('close', () => {
      sockets.delete(upstreamSocket);
      client.destroy();
    });
    upstreamSocket.on('error', () => client.destroy());
    client.on('close', () => upstreamSocket.destroy());
    client.on('data', (chunk: Buffer) => {
      for (const match of chunk.toString('latin1').matchAll(REQUEST_LINE)) {
        const line = chunk.toString('latin1', match.index, chunk.indexOf('\r\n', match.index));
        proxy.requests.push(line);
        proxy.onRequest?.(line);
      }
    });
    client.pipe(upstreamSocket);
    upstreamSocket.pipe(client);
  }

  function listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = createServer(onConnection);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        const address = s.address();
        if (typeof address === 'object' && address !== null) port = address.port;
        server = s;
        resolve();
      });
    });
  }

  function closeServer(): Promise<void> {
    const s = server;
    server = undefined;
    return new Promise((resolve) => (s === undefined ? resolve() : s.close(() => resolve())));
  }

  await listen();
  Object.assign(proxy, { endpoint: `http://127.0.0.1:${port}` });
  return proxy;
}
