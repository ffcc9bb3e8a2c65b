import type { VNode } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

interface Props<T> {
  items: readonly T[];
  /** Renders one `<li>`; `index` is the item's place in `items`. */
  renderCell: (item: T, index: number) => VNode;
  /** Called when the end of the list comes within a screen or so: load the next page. */
  onNearEnd: () => void;
  label: string;
  minCell?: number;
  gap?: number;
}

const OVERSCAN_ROWS = 3;

/**
 * A square-cell grid that renders only the rows near the viewport (the window scrolls), so the
 * DOM stays the same size after 40 images or 40,000. The end of the list is watched by an
 * IntersectionObserver that asks for the next page.
 */
export function VirtualGrid<T>({
  items,
  renderCell,
  onNearEnd,
  label,
  minCell = 168,
  gap = 8,
}: Props<T>) {
  const container = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [rows, setRows] = useState({ first: 0, last: 8 });

  const columns = Math.max(1, Math.floor((width + gap) / (minCell + gap)));
  const cell = width > 0 ? (width - gap * (columns - 1)) / columns : minCell;
  const rowHeight = cell + gap;
  const rowCount = Math.ceil(items.length / columns);

  useLayoutEffect(() => {
    const element = container.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    setWidth(element.clientWidth);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    let frame = 0;
    const measure = () => {
      frame = 0;
      const element = container.current;
      if (!element) return;
      const top = element.getBoundingClientRect().top;
      const first = Math.max(0, Math.floor(-top / rowHeight) - OVERSCAN_ROWS);
      const last = Math.ceil((window.innerHeight - top) / rowHeight) + OVERSCAN_ROWS;
      setRows((current) =>
        current.first === first && current.last === last ? current : { first, last },
      );
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(measure);
    };
    measure();
    window.addEventListener('scroll', schedule, { passive: true });
    window.addEventListener('resize', schedule);
    return () => {
      window.removeEventListener('scroll', schedule);
      window.removeEventListener('resize', schedule);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [rowHeight]);

  // A fresh observer after each page: its first report says whether the end is still in reach
  // (a short first page on a tall screen asks again at once).
  useEffect(() => {
    const element = sentinel.current;
    if (!element) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) onNearEnd();
      },
      { rootMargin: '0px 0px 1200px 0px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [items.length, onNearEnd]);

  const first = Math.min(rows.first, rowCount);
  const last = Math.min(rows.last, rowCount);
  const start = first * columns;
  const visible = items.slice(start, last * columns);

  return (
    <div
      ref={container}
      class="vgrid"
      style={{ height: `${Math.max(0, rowCount * rowHeight - gap)}px` }}
    >
      <ul
        class="vgrid-cells"
        aria-label={label}
        style={{
          transform: `translateY(${first * rowHeight}px)`,
          gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
          gridAutoRows: `${cell}px`,
          gap: `${gap}px`,
        }}
      >
        {visible.map((item, offset) => renderCell(item, start + offset))}
      </ul>
      <div ref={sentinel} class="vgrid-end" aria-hidden="true" />
    </div>
  );
}
