package io.agentbus.testing;

import java.io.IOException;
import java.io.OutputStream;

/** Writes to two streams: a test reads what was logged while the log still shows it. */
public final class TeeOutputStream extends OutputStream {

  private final OutputStream first;
  private final OutputStream second;

  public TeeOutputStream(OutputStream first, OutputStream second) {
    this.first = first;
    this.second = second;
  }

  @Override
  public synchronized void write(int b) throws IOException {
    first.write(b);
    second.write(b);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    first.write(b, off, len);
    second.write(b, off, len);
  }

  @Override
  public synchronized void flush() throws IOException {
    first.flush();
    second.flush();
  }
}
