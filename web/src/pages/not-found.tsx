import { PageTitle, useTitle } from '../components/ui.tsx';

export function NotFoundPage() {
  useTitle('Not found');
  return (
    <section class="panel empty">
      <PageTitle>Nothing here</PageTitle>
      <p>
        This page does not exist. Try the <a href="/">gallery</a>.
      </p>
    </section>
  );
}
