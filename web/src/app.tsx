import { LocationProvider, Route, Router, useLocation } from 'preact-iso/router';
import { useSession } from './lib/session.ts';
import { AccountPage } from './pages/account.tsx';
import { GalleryPage, MyImagesPage } from './pages/gallery.tsx';
import { GeneratePage } from './pages/generate.tsx';
import { ImagePage } from './pages/image.tsx';
import { NotFoundPage } from './pages/not-found.tsx';
import { SchedulesPage } from './pages/schedules.tsx';

const NAV = [
  { href: '/', label: 'Gallery' },
  { href: '/me', label: 'My images' },
  { href: '/generate', label: 'Generate' },
  { href: '/schedules', label: 'Schedules' },
];

function Header() {
  const { path } = useLocation();
  const current = useSession();
  const link = (href: string, label: string) => (
    <a class="nav-link" href={href} aria-current={path === href ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <header class="site-header">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <a class="brand" href="/">
        <span class="brand-mark" aria-hidden="true" />
        image-forge
      </a>
      <nav class="nav-main" aria-label="Main">
        {NAV.map(({ href, label }) => link(href, label))}
      </nav>
      <nav class="nav-user" aria-label="Account">
        {current ? link('/account', current.user.email) : link('/account', 'Sign in')}
      </nav>
    </header>
  );
}

/** After a navigation, focus the new page's heading (keyboard and screen-reader users follow). */
let lastPath = location.pathname;
function onRouteChange(): void {
  if (location.pathname === lastPath) return;
  lastPath = location.pathname;
  requestAnimationFrame(() => {
    window.scrollTo(0, 0);
    document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: true });
  });
}

export function App() {
  return (
    <LocationProvider>
      <Header />
      <main id="main" class="main">
        <Router onRouteChange={onRouteChange}>
          <Route path="/" component={GalleryPage} />
          <Route path="/me" component={MyImagesPage} />
          <Route path="/images/:id" component={ImagePage} />
          <Route path="/generate" component={GeneratePage} />
          <Route path="/schedules" component={SchedulesPage} />
          <Route path="/account" component={AccountPage} />
          <Route default component={NotFoundPage} />
        </Router>
      </main>
    </LocationProvider>
  );
}
