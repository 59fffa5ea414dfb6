/**
 * The planner API as the page calls it: every request carries the page's bearer token. A non-2xx answer throws an
 * Error with the problem's `detail` (http/problem.ts, RFC 9457) and the HTTP `status`.
 * @param {string} token
 */
export function apiClient(token) {
  const call = async (method, path, body) => {
    const headers = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const json = text ? JSON.parse(text) : null;
    if (!res.ok) {
      const err = new Error(json?.detail ?? json?.title ?? `${method} ${path} answered ${res.status}`);
      err.status = res.status;
      throw err;
    }
    return json;
  };
  return { get: (path) => call('GET', path), post: (path, body = {}) => call('POST', path, body) };
}

/** `?a=1&b=2` from an object, leaving out undefined values. */
export const query = (params) =>
  '?' + Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
