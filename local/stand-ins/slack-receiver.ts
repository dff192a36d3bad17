import { listen, type RunningServer, readBody } from './http';

export interface SlackPost {
  at: string;
  path: string;
  payload: unknown;
}

/** A Slack incoming webhook: records every payload and answers `ok` as Slack does. */
export async function startSlackReceiver(
  onPost?: (post: SlackPost) => void,
): Promise<RunningServer & { posts: SlackPost[] }> {
  const posts: SlackPost[] = [];
  const server = await listen(async (req, res) => {
    const body = await readBody(req);
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('invalid_payload');
      return;
    }
    const post = { at: new Date().toISOString(), path: req.url ?? '/', payload };
    posts.push(post);
    onPost?.(post);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  return { ...server, posts };
}
