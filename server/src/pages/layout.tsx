/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Context } from 'hono';
import type { Child, FC } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The policy of every hosted page: no script at all, inline styles only (the one
 * `<style>` below), images from us or `data:` (inline QR SVGs need neither), forms
 * only back to us, and no framing. A page that needs more states it explicitly.
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy
 */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

// Colours are picked for WCAG AA (≥ 4.5:1) against the background they sit on:
// ink #111827 on white 17:1, muted #4b5563 7.6:1, accent #1d4ed8 6.7:1 (white on it too),
// ok #166534 on #dcfce7 6.5:1, bad #991b1b on #fee2e2 7.1:1, test #78350f on #fef3c7 8.6:1;
// badges put white on the banner's ink: 7.1:1, 8.3:1, 10.4:1.
const STYLE = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f3f4f6;color:#111827;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Helvetica,Arial,sans-serif}
main{max-width:34rem;margin:0 auto;padding:1rem}
.card{background:#fff;border-radius:12px;padding:1.25rem;margin:0 0 1rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .5rem;overflow-wrap:anywhere}
h2{font-size:1.125rem;margin:0 0 .75rem}
p{margin:0 0 .75rem}
a{color:#1d4ed8}
.muted{color:#4b5563}
.small{font-size:.875rem}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0 0 .75rem}
dt{color:#4b5563}
dd{margin:0;font-weight:600;overflow-wrap:anywhere}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input{width:100%;font:inherit;padding:.625rem .75rem;border:1px solid #6b7280;border-radius:8px;background:#fff;color:#111827}
input:focus,button:focus,a:focus{outline:3px solid #93c5fd;outline-offset:2px}
.row{display:flex;align-items:center;justify-content:space-between;gap:1rem;padding:.75rem 0;border-top:1px solid #e5e7eb}
.row:first-of-type{border-top:0}
.row input{width:5rem;text-align:center}
.btn{display:inline-block;width:100%;margin-top:1rem;padding:.75rem 1rem;font:inherit;font-weight:700;text-align:center;text-decoration:none;border:0;border-radius:8px;background:#1d4ed8;color:#fff;cursor:pointer}
.btn.secondary{background:#fff;color:#1d4ed8;border:2px solid #1d4ed8}
.btn.danger{background:#fff;color:#991b1b;border:2px solid #991b1b}
.linkbtn{background:none;border:0;padding:0;font:inherit;color:#1d4ed8;text-decoration:underline;cursor:pointer}
.banner{border-radius:8px;padding:.75rem 1rem;margin:0 0 1rem;font-weight:600}
.ok{background:#dcfce7;color:#166534}
.bad{background:#fee2e2;color:#991b1b}
.info{background:#dbeafe;color:#1e3a8a}
.test{background:#fef3c7;color:#78350f;border:2px dashed #b45309}
.badge{display:inline-block;padding:.125rem .5rem;border-radius:999px;font-size:.8125rem;font-weight:700;letter-spacing:.02em;margin-right:.25rem}
.ok .badge{background:#166534;color:#fff}
.bad .badge{background:#991b1b;color:#fff}
.info .badge{background:#1e3a8a;color:#fff}
.qr{background:#fff;display:flex;justify-content:center;padding:.5rem 0}
.qr svg{width:100%;max-width:17rem;height:auto}
.code{font-size:2rem;font-weight:700;letter-spacing:.35em;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.actions{display:grid;gap:.5rem}
.actions .btn{margin-top:0}
ul.errors{margin:.25rem 0 0;padding-left:1.25rem;font-weight:400}
ul.links{margin:0;padding-left:1.25rem}
ul.links li{margin:0 0 .5rem}
footer{text-align:center;color:#4b5563;font-size:.8125rem;padding:0 1rem 2rem}
`;

/** What the shell needs from a page. */
export interface LayoutProps {
  title: string;
  children?: Child;
  /**
   * Bearer-link pages must not leak their URL in a Referer header: `no-referrer` for
   * pages without forms, `same-origin` for pages with forms, because under `no-referrer`
   * browsers send `Origin: null` on POST (Fetch §3.1.4) and the same-origin check refuses it.
   */
  referrer?: 'no-referrer' | 'same-origin';
}

/**
 * The minimal shell of every hosted page: `lang`, viewport, system fonts, one
 * inline `<style>`. Mobile first: attendees open these on a phone at the door.
 *
 * @example
 * return renderPage(c, <Layout title="Your ticket"><TicketCard … /></Layout>);
 */
export const Layout: FC<LayoutProps> = ({ title, children, referrer }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width,initial-scale=1" />
      <meta name="color-scheme" content="light" />
      <meta name="robots" content="noindex,nofollow" />
      {referrer ? <meta name="referrer" content={referrer} /> : null}
      {/* An empty icon: no favicon request (a 404 in every log) and nothing for the CSP to refuse. */}
      <link rel="icon" href="data:," />
      <title>{title}</title>
      <style dangerouslySetInnerHTML={{ __html: STYLE }} />
    </head>
    <body>
      <main>{children}</main>
      <footer>Trendy Ticket Service</footer>
    </body>
  </html>
);

/**
 * Sends a page with the strict CSP and `no-store` (ticket and order pages change
 * state under the viewer, and must not sit in a shared cache).
 *
 * @example
 * return renderPage(c, <Layout title="Not found"><p>…</p></Layout>, 404);
 */
export async function renderPage(c: Context, page: Child, status: ContentfulStatusCode = 200): Promise<Response> {
  // A JSX node renders to a string, or to a promise of one when a component is async.
  const node = await page;
  const body = node === null || node === undefined || typeof node === 'boolean' ? '' : await Promise.resolve(node.toString());
  c.header('Content-Security-Policy', PAGE_CSP);
  c.header('Cache-Control', 'no-store');
  c.header('X-Robots-Tag', 'noindex, nofollow');
  return c.html(`<!doctype html>${body}`, status);
}

/**
 * A message page for when there is nothing else to show (unknown link, bad key).
 *
 * @example
 * return renderPage(c, <MessagePage title="Ticket not found" lines={['Check the link in your email.']} />, 404);
 */
export const MessagePage: FC<{ title: string; lines: string[]; tone?: 'bad' | 'info'; link?: { href: string; label: string } }> = (props) => (
  <Layout title={props.title}>
    <section class="card">
      <h1>{props.title}</h1>
      {props.lines.map((line) => (
        <p class={props.tone === 'bad' ? 'muted' : undefined}>{line}</p>
      ))}
      {props.link ? (
        <a class="btn secondary" href={props.link.href}>
          {props.link.label}
        </a>
      ) : null}
    </section>
  </Layout>
);

/**
 * Paise as rupees for a web page: `₹1,499.00` with Indian grouping (the SDK's `formatRupees`,
 * so pages, the console and the widget print prices alike). Pages can use the rupee sign; the
 * PDF's standard fonts cannot, hence `formatMoney`'s `INR` there.
 *
 * @example rupees(149_900) // '₹1,499.00'
 */
export { formatRupees as rupees } from '@trendy-tickets/sdk';
