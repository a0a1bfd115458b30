import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, Outlet, useLocation, useRouter } from "@tanstack/react-router";
import { useEffect, useRef, useState } from "react";
import { type User, useTRPC } from "../trpc.ts";
import { usePageTitle, useRouteTitle } from "./pageTitle.ts";
import styles from "./Shell.module.css";

/** The main navigation, read from the route files' `staticData.nav`: a new page adds itself. */
function useNavItems(user: User) {
  const router = useRouter();
  return Object.values(router.routesById)
    .flatMap((route) => {
      const nav = route.options.staticData?.nav;
      return nav && (!nav.adminOnly || user.role === "admin") ? [{ ...nav, to: route.fullPath }] : [];
    })
    .sort((a, b) => a.order - b.order);
}

export function Shell({ user }: { user: User }) {
  const items = useNavItems(user);
  const pathname = useLocation({ select: (location) => location.pathname });
  const [menuOpen, setMenuOpen] = useState(false);
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  usePageTitle(useRouteTitle());

  // After a navigation, focus goes to the new page (screen readers announce it, Tab starts there)
  // and the phone menu closes. Not on the first render: the browser's own focus is right then.
  useEffect(() => {
    setMenuOpen(false);
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    main.current?.focus({ preventScroll: true });
  }, [pathname]);

  return (
    <div className={styles.shell}>
      {/* Not href="#main": the hash is the route. */}
      <button type="button" className={styles.skipLink} onClick={() => main.current?.focus()}>
        Skip to content
      </button>
      <aside className={styles.sidebar}>
        <div className={styles.sidebarInner}>
          <div className={styles.sidebarTop}>
            <Link className="brand" to="/overview">
              <span className="brand-mark" aria-hidden="true" />
              synchub
            </Link>
            <button
              type="button"
              className={`button button-ghost ${styles.menuButton}`}
              aria-expanded={menuOpen}
              aria-controls="main-nav"
              onClick={() => setMenuOpen((open) => !open)}
            >
              {menuOpen ? "Close" : "Menu"}
            </button>
          </div>
          <nav id="main-nav" aria-label="Main" className={menuOpen ? styles.navOpen : styles.nav}>
            <ul>
              {items.map((item) => (
                <li key={item.to}>
                  <Link
                    to={item.to}
                    className={styles.navLink}
                    activeProps={{ className: styles.navLinkCurrent }}
                    // Also for the page already shown, where no navigation happens.
                    onClick={() => setMenuOpen(false)}
                  >
                    {item.label}
                  </Link>
                </li>
              ))}
            </ul>
            <p className={`${styles.sidebarFoot} muted`}>Updates live while this tab is visible</p>
          </nav>
        </div>
      </aside>
      <div className={styles.main}>
        <TopBar user={user} />
        <main ref={main} id="main" tabIndex={-1} className={styles.content}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}

function TopBar({ user }: { user: User }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSettled: () => {
        const meKey = trpc.auth.me.queryKey();
        queryClient.setQueryData(meKey, null);
        // Nothing the last user saw stays cached for the next one; the auth.me query keeps its observer.
        const meHash = JSON.stringify(meKey);
        queryClient.removeQueries({ predicate: (query) => JSON.stringify(query.queryKey) !== meHash });
      },
    }),
  );
  return (
    <header className={styles.topbar}>
      <span className={`muted ${styles.consoleLabel}`}>Operator console</span>
      <div className={styles.user}>
        <span className="avatar" aria-hidden="true">
          {user.username.slice(0, 1).toUpperCase()}
        </span>
        <span>
          <span className={styles.signedInAs}>Signed in as </span>
          <strong data-testid="current-user">{user.username}</strong>
        </span>
        <span className="badge badge-neutral">{user.role}</span>
        <button
          type="button"
          className="button button-ghost"
          onClick={() => logout.mutate()}
          disabled={logout.isPending}
        >
          {logout.isPending ? "Logging out…" : "Log out"}
        </button>
      </div>
    </header>
  );
}
