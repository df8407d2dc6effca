/**
 * The desktop example: a Swing app whose "Sync now" button triggers a background task that goes on after the window
 * closes, shows its progress and result, and receives the completion when the app is opened again.
 *
 * <p>May use: what any app may use, the public API, the task API and the JDK.
 */
package dev.bgtasks.examples.desktopsync;
