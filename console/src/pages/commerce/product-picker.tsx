import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { api, projectPath } from '../../api/client';
import type { ApiError } from '../../api/errors';
import { money } from '../../ui/format';
import type { CatalogItem } from './types';

const ITEM_ID = /^(?!\.{1,2}$)[A-Za-z0-9._~-]{1,128}$/;
/** Typing pauses this long before the catalogue is asked, so each keystroke is not a request. */
const DEBOUNCE_MS = 250;

/** Products whose words match the text (catalog:search), or the one product of that exact id. */
async function findProducts(project: string, text: string, signal: AbortSignal): Promise<CatalogItem[]> {
  const found = await api<{ items: CatalogItem[] }>('GET', `${projectPath(project, 'catalog:search')}?query=${encodeURIComponent(text)}&pageSize=8`, { signal });
  if (found.items.length > 0 || !ITEM_ID.test(text)) return found.items;
  try {
    return [await api<CatalogItem>('GET', projectPath(project, 'catalog', 'items', encodeURIComponent(text)), { signal })];
  } catch (e) {
    if ((e as ApiError).status === 404) return [];
    throw e;
  }
}

/**
 * A combobox (ARIA 1.2, list autocomplete) that searches the catalogue as
 * the user types and sets the context product: arrow keys move through the
 * suggestions, Enter picks one, Escape closes the list. The picked product
 * shows below with a button to clear it.
 */
export function ProductPicker({ project, label, value, onChange }: { project: string; label: string; value: CatalogItem | undefined; onChange: (item: CatalogItem | undefined) => void }) {
  const id = useId();
  const listId = `${id}-list`;
  const [text, setText] = useState('');
  const [typed, setTyped] = useState(false);
  const [options, setOptions] = useState<CatalogItem[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string>();
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const q = text.trim();
    if (!typed || q === '') {
      setOptions([]);
      setOpen(false);
      return;
    }
    const ctl = new AbortController();
    const t = setTimeout(() => {
      setStatus('Searching the catalogue…');
      findProducts(project, q, ctl.signal)
        .then((items) => {
          setOptions(items);
          setActive(items.length > 0 ? 0 : -1);
          setOpen(true);
          setError(undefined);
          setStatus(items.length === 0 ? `No product matches “${q}”.` : `${items.length} product${items.length === 1 ? '' : 's'} found; use the arrow keys and Enter to pick one.`);
        })
        .catch((e: ApiError) => {
          if (e.name === 'AbortError') return;
          setOptions([]);
          setOpen(false);
          setError(e.message);
          setStatus('');
        });
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [text, typed, project]);

  const pick = (item: CatalogItem) => {
    onChange(item);
    setText('');
    setTyped(false);
    setOpen(false);
    setStatus(`Picked ${item.title}.`);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open && options.length > 0) setOpen(true);
      setActive((a) => Math.min(options.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter' && open && options[active]) {
      // Enter picks the suggestion instead of submitting the form.
      e.preventDefault();
      pick(options[active]!);
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      setOpen(false);
    }
  };

  const expanded = open && options.length > 0;
  return (
    <div className="picker">
      <label htmlFor={id}>{label}</label>
      <input
        ref={input} id={id} type="text" role="combobox" autoComplete="off" spellCheck={false}
        aria-autocomplete="list" aria-expanded={expanded} aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `${id}-opt-${active}` : undefined}
        aria-describedby={`${id}-help`}
        placeholder="Type a product's name or id"
        value={text}
        onChange={(e) => { setText(e.target.value); setTyped(true); }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
        onFocus={() => { if (options.length > 0) setOpen(true); }}
      />
      <ul id={listId} role="listbox" aria-label={`${label} suggestions`} className="picker-list" hidden={!expanded}>
        {options.map((o, i) => (
          <li key={o.id} id={`${id}-opt-${i}`} role="option" aria-selected={i === active} className={i === active ? 'active' : undefined}
            onMouseDown={(e) => e.preventDefault()} onClick={() => pick(o)}>
            <span>{o.title}</span>
            <span className="muted"> {o.id}{o.brand ? ` · ${o.brand}` : ''}{o.price ? ` · ${money(o.price.amount, o.price.currency)}` : ''}</span>
          </li>
        ))}
      </ul>
      <p id={`${id}-help`} className="muted hint">The product on the page (or in the cart) the recommender starts from.</p>
      <p className="visually-hidden" role="status" aria-live="polite">{status}</p>
      {error ? <p className="field-error" role="alert">{error}</p> : null}
      {value ? (
        <p className="picked">
          <span>Context product: <strong>{value.title}</strong> <code>{value.id}</code></span>
          <button type="button" className="link" onClick={() => { onChange(undefined); input.current?.focus(); }}>Clear</button>
        </p>
      ) : null}
    </div>
  );
}
