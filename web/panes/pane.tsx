// A pane: a landmark region with an accessible name (screen readers and tests find it by name).
import type { ComponentChildren } from "preact";

export function Pane(props: { name: string; class?: string; children: ComponentChildren }) {
  return (
    <section aria-label={props.name} class={`pane ${props.class ?? ""}`}>
      <h2>{props.name}</h2>
      {props.children}
    </section>
  );
}

/** What a pane shows when there is nothing to show yet. */
export function Empty(props: { children: ComponentChildren }) {
  return <p class="empty">{props.children}</p>;
}
