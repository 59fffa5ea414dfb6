import { h } from 'preact';
import htm from 'htm';

/** JSX-like templates without a build step: htm's tagged template bound to preact's `h`. */
export const html = htm.bind(h);
