/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';

/**
 * The `/docs` API reference, rendered on the server from our own OpenAPI
 * document: no third-party script, no CDN, works offline and under a strict CSP.
 */

type Json = Record<string, unknown>;
interface Operation {
  method: string;
  path: string;
  op: Json;
}

const METHODS = ['get', 'post', 'patch', 'put', 'delete'] as const;

function asObject(value: unknown): Json {
  return value && typeof value === 'object' ? (value as Json) : {};
}

/** Follows a local `$ref` (`#/components/schemas/X`) in the document. */
function resolve(doc: Json, schema: unknown): Json {
  const s = asObject(schema);
  const ref = s.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return s;
  return asObject(
    ref
      .slice(2)
      .split('/')
      .reduce<unknown>((node, key) => asObject(node)[key], doc),
  );
}

function typeLabel(doc: Json, schema: unknown): string {
  const raw = asObject(schema);
  const s = resolve(doc, schema);
  const name = typeof raw.$ref === 'string' ? raw.$ref.split('/').pop() : undefined;
  if (name) return name;
  if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) {
    return ((s.anyOf ?? s.oneOf) as unknown[]).map((v) => typeLabel(doc, v)).join(' | ');
  }
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const type = Array.isArray(s.type) ? s.type.join(' | ') : String(s.type ?? 'any');
  if (type === 'array') return `${typeLabel(doc, s.items)}[]`;
  return s.format ? `${type} (${String(s.format)})` : type;
}

const Fields: FC<{ doc: Json; schema: unknown }> = ({ doc, schema }) => {
  const s = resolve(doc, schema);
  const properties = Object.entries(asObject(s.properties));
  if (properties.length === 0) return <p class="type">{typeLabel(doc, schema)}</p>;
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  return (
    <table>
      <thead>
        <tr>
          <th>field</th>
          <th>type</th>
          <th>about</th>
        </tr>
      </thead>
      <tbody>
        {properties.map(([name, prop]) => {
          const p = resolve(doc, prop);
          return (
            <tr>
              <td>
                <code>{name}</code>
                {required.has(name) ? <span class="req"> required</span> : null}
              </td>
              <td>
                <code>{typeLabel(doc, prop)}</code>
              </td>
              <td>{String(asObject(prop).description ?? p.description ?? '')}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
};

const OperationBlock: FC<{ doc: Json; operation: Operation }> = ({ doc, operation: { method, path, op } }) => {
  const body = asObject(asObject(asObject(asObject(op.requestBody).content)['application/json']).schema);
  const params = (Array.isArray(op.parameters) ? op.parameters : []).map(asObject);
  const responses = Object.entries(asObject(op.responses));
  const id = `${method}-${path}`.replace(/[^a-z0-9]+/gi, '-');
  return (
    <section id={id}>
      <h3>
        <span class={`m ${method}`}>{method.toUpperCase()}</span> <code>{path}</code>
      </h3>
      <p>
        <strong>{String(op.summary ?? '')}</strong>
        {op.security ? <span class="auth"> · Authorization: Bearer key</span> : null}
      </p>
      {op.description ? <p>{String(op.description)}</p> : null}
      {params.length > 0 ? (
        <>
          <h4>Parameters</h4>
          <table>
            <tbody>
              {params.map((p) => (
                <tr>
                  <td>
                    <code>{String(p.name)}</code> <span class="type">in {String(p.in)}</span>
                  </td>
                  <td>
                    <code>{typeLabel(doc, p.schema)}</code>
                  </td>
                  <td>{String(p.description ?? asObject(p.schema).description ?? '')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {Object.keys(body).length > 0 ? (
        <>
          <h4>Request body (JSON)</h4>
          <Fields doc={doc} schema={body} />
        </>
      ) : null}
      <h4>Responses</h4>
      <ul>
        {responses.map(([status, response]) => {
          const schema = asObject(asObject(asObject(asObject(response).content)['application/json']).schema);
          return (
            <li>
              <code>{status}</code> {String(asObject(response).description ?? '')} {Object.keys(schema).length > 0 ? <span class="type">→ {typeLabel(doc, schema)}</span> : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
};

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a2e;background:#fafafa}
main{max-width:960px;margin:0 auto;padding:1rem 1.25rem 4rem}
nav ul{columns:2;padding-left:1rem}
section{background:#fff;border:1px solid #e3e3ea;border-radius:8px;padding:.5rem 1rem;margin:1rem 0}
table{border-collapse:collapse;width:100%;font-size:.9rem}
td,th{border-top:1px solid #eee;padding:.3rem .4rem;text-align:left;vertical-align:top}
code{font:.88rem ui-monospace,monospace}
.m{display:inline-block;min-width:4.2em;font:700 .8rem ui-monospace,monospace;color:#fff;border-radius:4px;padding:.1rem .35rem;text-align:center}
.get{background:#1f6f43}.post{background:#1d4ed8}.patch{background:#8a5300}.delete{background:#b42318}.put{background:#6b21a8}
.req{color:#b42318;font-size:.75rem}.type,.auth{color:#555;font-size:.85rem}
`;

/** The whole reference page for an OpenAPI 3.1 document. */
export const ApiReference: FC<{ doc: Json }> = ({ doc }) => {
  const info = asObject(doc.info);
  const operations: Operation[] = Object.entries(asObject(doc.paths)).flatMap(([path, item]) =>
    METHODS.filter((m) => asObject(item)[m]).map((method) => ({ method, path, op: asObject(asObject(item)[method]) })),
  );
  const tags = [...new Set(operations.map((o) => String((o.op.tags as string[] | undefined)?.[0] ?? 'Other')))];
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{String(info.title ?? 'API')} reference</title>
        <style>{STYLE}</style>
      </head>
      <body>
        <main>
          <h1>
            {String(info.title ?? 'API')} <small>v{String(info.version ?? '')}</small>
          </h1>
          <p>{String(info.description ?? '')}</p>
          <p>
            Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).
          </p>
          <nav>
            <ul>
              {operations.map((o) => (
                <li>
                  <a href={`#${`${o.method}-${o.path}`.replace(/[^a-z0-9]+/gi, '-')}`}>
                    {o.method.toUpperCase()} {o.path}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          {tags.map((tag) => (
            <>
              <h2>{tag}</h2>
              {operations
                .filter((o) => String((o.op.tags as string[] | undefined)?.[0] ?? 'Other') === tag)
                .map((o) => (
                  <OperationBlock doc={doc} operation={o} />
                ))}
            </>
          ))}
        </main>
      </body>
    </html>
  );
};
