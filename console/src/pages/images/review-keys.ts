import { useEffect, useRef } from 'react';

export interface ReviewKeyHandlers {
  accept: () => void;
  reject: () => void;
  skip: () => void;
  /** A digit: the n-th choice (0-based). */
  correct: (index: number) => void;
}

/** Where a key belongs to what has focus, not to the queue. */
function typing(el: Element | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  const tag = el.tagName.toLowerCase();
  return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable;
}

function pressable(el: Element | null): boolean {
  return el instanceof HTMLElement && (el.matches('button, a[href], summary, [role="button"], [role="link"]'));
}

/**
 * The review keys, as on the standalone review page: Enter or A accepts, 1-9
 * corrects to that choice, R rejects, S or → skips. Nothing fires while focus
 * is in a field (typing is typing), with a modifier held (browser shortcuts),
 * or on a held key's repeats (one press, one decision); a focused button or
 * link keeps its own Enter and Space.
 */
export function useReviewKeys(enabled: boolean, handlers: ReviewKeyHandlers): void {
  const h = useRef(handlers);
  h.current = handlers;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target instanceof Element ? e.target : null;
      if (typing(target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if ((e.key === 'Enter' || e.key === ' ') && pressable(target)) return;
      if (e.repeat) return;
      const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      if (k === 'Enter' || k === 'a') h.current.accept();
      else if (k === 'r') h.current.reject();
      else if (k === 's' || k === 'ArrowRight') h.current.skip();
      else if (k >= '1' && k <= '9' && k.length === 1) h.current.correct(Number(k) - 1);
      else return;
      e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [enabled]);
}
