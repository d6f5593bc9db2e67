import http from 'node:http';

export interface SseEvent {
  event: string;
  id?: string;
  data: any;
}

export interface SseConnection {
  status: number;
  events: SseEvent[];
  /** true once the server has ended the response */
  ended: boolean;
  close(): void;
}

/** A real SSE client over HTTP (EventSource cannot send an Authorization header). */
export function openStream(port: number, path: string, token?: string): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
      const connection: SseConnection = { status: res.statusCode ?? 0, events: [], ended: false, close: () => req.destroy() };
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(
            frame
              .split('\n')
              .filter((line) => line && !line.startsWith(':'))
              .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart()]),
          );
          if (fields.data !== undefined) connection.events.push({ event: fields.event ?? 'message', id: fields.id, data: JSON.parse(fields.data) });
        }
      });
      res.on('end', () => (connection.ended = true));
      res.on('close', () => (connection.ended = true));
      resolve(connection);
    });
    req.on('error', reject);
  });
}
