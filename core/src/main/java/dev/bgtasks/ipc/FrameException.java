package dev.bgtasks.ipc;

import java.io.IOException;

/**
 * A frame that cannot be read: a length out of range, a stream that ends inside a frame, bytes that are not one
 * UTF-8 JSON object. The stream cannot be trusted after it, so the connection ends (SPEC B2).
 */
final class FrameException extends IOException {
    private static final long serialVersionUID = 1L;

    FrameException(String message) {
        super(message);
    }
}
