/** @jsxImportSource hono/jsx */

export const VIEW_NAMES = [
  ["overview", "Overview"],
  ["events", "Events"],
  ["dead-letters", "Dead letters"],
  ["routes", "Routes"],
  ["sources", "Sources"],
] as const;

/**
 * The page the browser opens. It holds no data: it is served without the admin token (a
 * browser cannot send a bearer header when it navigates), and its script fetches every view
 * with the token the operator types, kept in memory only.
 */
export function Shell() {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>hookgate console</title>
        <link rel="stylesheet" href="/admin/console/app.css" />
        <script src="/admin/console/app.js" defer />
      </head>
      <body>
        <a class="skip" href="#view">
          Skip to content
        </a>
        <header class="top">
          <span class="brand">hookgate console</span>
          <nav id="nav" aria-label="Views" hidden>
            <ul>
              {VIEW_NAMES.map(([name, label]) => (
                <li>
                  <a href={`#${name}`} data-nav={name}>
                    {label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <button type="button" id="sign-out" hidden>
            Sign out
          </button>
        </header>
        <p id="status" role="status" aria-live="polite" />
        <section id="sign-in" aria-labelledby="sign-in-title">
          <h1 id="sign-in-title">Sign in</h1>
          <form id="sign-in-form" method="post" action="/admin/console">
            <div class="field">
              <label for="token">Admin token</label>
              <input id="token" name="token" type="password" autocomplete="off" required spellcheck={false} />
              <small class="hint">Kept in this page's memory only: reloading or signing out forgets it.</small>
            </div>
            <div class="actions">
              <button type="submit">Sign in</button>
            </div>
            <p id="sign-in-error" class="form-error" role="alert" />
          </form>
          <noscript>The console needs JavaScript.</noscript>
        </section>
        <main id="view" tabindex={-1} hidden />
      </body>
    </html>
  );
}
