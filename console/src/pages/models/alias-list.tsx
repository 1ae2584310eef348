/** Aliases as chips (`champion`), or a dash when there are none; with `at`, each names its version. */
export function AliasList({ aliases, at }: { aliases: ReadonlyArray<string>; at?: ReadonlyMap<string, string> }) {
  if (aliases.length === 0) return <span className="muted">–</span>;
  return (
    <ul className="chips">
      {aliases.map((a) => (
        <li key={a} className={a === 'default' ? 'chip chip-default' : 'chip'}>
          {a}{at?.get(a) ? <span className="chip-at"> → v{at.get(a)}</span> : null}
        </li>
      ))}
    </ul>
  );
}
