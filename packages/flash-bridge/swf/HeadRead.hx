// Outcome of reading an HTTP response head from the buffer (a value, not an exception: see FrameRead).
enum HeadRead {
  /** The blank line has not arrived yet. */
  Incomplete;
  Invalid(reason:String);
  Complete(head:HttpHead);
}
