/** The review keys, written out on the page (the standalone page hid them behind ?; here they are always shown). */
export function ReviewKeysHelp() {
  return (
    <>
      <dl className="keys-help">
        <div><dt><kbd>Enter</kbd> or <kbd>A</kbd></dt><dd>accept the proposed class</dd></div>
        <div><dt><kbd>1</kbd>–<kbd>9</kbd></dt><dd>correct it to that numbered choice</dd></div>
        <div><dt><kbd>R</kbd></dt><dd>reject it (wrong, and no choice fits)</dd></div>
        <div><dt><kbd>S</kbd> or <kbd>→</kbd></dt><dd>skip without deciding (it stays pending)</dd></div>
      </dl>
      <p className="muted">The keys do nothing while you type in a field, and a focused button or link keeps its own Enter. Every button does what its key does.</p>
    </>
  );
}
