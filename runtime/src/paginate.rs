//! Offset/limit paging declared in the spec (`x-clientgen-paginator`): a [`Stream`] of pages and
//! a [`Stream`] of items that end on a short or empty page or once the total is reached, and
//! fail (rather than loop) when the server does not advance.

use super::response::Call;
use super::{Error, ResponseValue};
use futures_core::Stream;
use std::fmt;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// What the offset counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub enum OffsetUnit {
    Items,
    Pages,
}

/// Where paging starts and how it moves, as the spec declares it.
#[derive(Debug, Clone, Copy)]
#[doc(hidden)]
pub struct Paging {
    /// The offset of the first page requested.
    pub start: i64,
    /// The offset of the very first record or page (1 when the API counts from 1).
    pub first: i64,
    pub unit: OffsetUnit,
    /// Items per page, when known: a shorter page is the last.
    pub page_size: Option<u64>,
}

/// The pages of a paged operation, fetched one at a time as the stream is polled.
///
/// Use it as a [`Stream`], or call [`next`](Pages::next) without any stream trait in scope.
/// The stream ends after an empty page, or the page that reaches the total the response
/// announces, or (when there is no total) a page shorter than the page size. A page that repeats the previous one ends it
/// with [`PageError::NotAdvancing`]; any failed call ends it with [`PageError::Operation`].
#[must_use = "streams do nothing unless polled"]
pub struct Pages<T, I, E> {
    fetch: Box<dyn FnMut(i64) -> Call<T, E> + Send>,
    items: fn(&T) -> &[I],
    total: fn(&T) -> Option<i64>,
    paging: Paging,
    offset: i64,
    previous: Option<Vec<I>>,
    pages: u32,
    in_flight: Option<Call<T, E>>,
    done: bool,
}

// No field is ever pinned in place: the in-flight call is boxed, the rest is moved freely.
impl<T, I, E> Unpin for Pages<T, I, E> {}

impl<T, I, E> fmt::Debug for Pages<T, I, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("paging", &self.paging)
            .field("offset", &self.offset)
            .field("pages", &self.pages)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<T, I: Clone + PartialEq, E> Pages<T, I, E> {
    #[doc(hidden)]
    pub fn new(
        paging: Paging,
        fetch: impl FnMut(i64) -> Call<T, E> + Send + 'static,
        items: fn(&T) -> &[I],
        total: fn(&T) -> Option<i64>,
    ) -> Self {
        Pages {
            fetch: Box::new(fetch),
            items,
            total,
            paging,
            offset: paging.start,
            previous: None,
            pages: 0,
            in_flight: None,
            done: false,
        }
    }

    /// The next page, or `None` once paging is over.
    pub async fn next(&mut self) -> Option<Result<ResponseValue<T>, PageError<E>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Pages fetched so far.
    pub fn pages_fetched(&self) -> u32 {
        self.pages
    }

    /// Decides, from the page just received at `offset`, whether another follows, and where.
    fn advance(&mut self, offset: i64, page: &T) -> Result<(), PageError<E>> {
        let items = (self.items)(page);
        let received = items.len() as u64;
        if received > 0 && self.previous.as_deref() == Some(items) {
            return Err(PageError::NotAdvancing {
                offset,
                pages: self.pages,
            });
        }
        let before = offset
            .checked_sub(self.paging.first)
            .and_then(|d| u64::try_from(d).ok())
            .unwrap_or(0);
        let (through, next) = match self.paging.unit {
            OffsetUnit::Items => (
                Some(before.saturating_add(received)),
                offset.checked_add(received as i64),
            ),
            OffsetUnit::Pages => (
                self.paging
                    .page_size
                    .map(|size| before.saturating_mul(size).saturating_add(received)),
                offset.checked_add(1),
            ),
        };
        let total = (self.total)(page).and_then(|t| u64::try_from(t).ok());
        // With a total, a short page is not the end (a server may cap the page size); without
        // one, it is.
        let last = received == 0
            || match (through, total) {
                (Some(through), Some(total)) => through >= total,
                _ => self.paging.page_size.is_some_and(|size| received < size),
            };
        match next {
            Some(next) if !last => {
                self.offset = next;
                self.previous = Some(items.to_vec());
            }
            _ => self.done = true,
        }
        Ok(())
    }
}

impl<T, I: Clone + PartialEq, E> Stream for Pages<T, I, E> {
    type Item = Result<ResponseValue<T>, PageError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        let offset = this.offset;
        let call = this.in_flight.get_or_insert_with(|| (this.fetch)(offset));
        let result = ready!(call.as_mut().poll(cx));
        this.in_flight = None;
        this.pages += 1;
        let page = match result {
            Ok(page) => page,
            Err(error) => {
                this.done = true;
                return Poll::Ready(Some(Err(PageError::Operation { error, offset })));
            }
        };
        if let Err(e) = this.advance(offset, &page) {
            this.done = true;
            return Poll::Ready(Some(Err(e)));
        }
        tracing::debug!(
            offset,
            pages = this.pages,
            last = this.done,
            "page received"
        );
        Poll::Ready(Some(Ok(page)))
    }
}

/// The items of every page, in order; see [`Pages`] for when paging ends.
#[must_use = "streams do nothing unless polled"]
pub struct Items<T, I, E> {
    pages: Pages<T, I, E>,
    take: fn(T) -> Vec<I>,
    buffer: std::vec::IntoIter<I>,
}

impl<T, I, E> Unpin for Items<T, I, E> {}

impl<T, I, E> fmt::Debug for Items<T, I, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl<T, I: Clone + PartialEq, E> Items<T, I, E> {
    #[doc(hidden)]
    pub fn new(pages: Pages<T, I, E>, take: fn(T) -> Vec<I>) -> Self {
        Items {
            pages,
            take,
            buffer: Vec::new().into_iter(),
        }
    }

    /// The next item, or `None` once paging is over.
    pub async fn next(&mut self) -> Option<Result<I, PageError<E>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every remaining item, or the first error.
    pub async fn try_collect(mut self) -> Result<Vec<I>, PageError<E>> {
        let mut all = Vec::new();
        while let Some(item) = self.next().await {
            all.push(item?);
        }
        Ok(all)
    }
}

impl<T, I: Clone + PartialEq, E> Stream for Items<T, I, E> {
    type Item = Result<I, PageError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(Pin::new(&mut this.pages).poll_next(cx)) {
                None => return Poll::Ready(None),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                Some(Ok(page)) => this.buffer = (this.take)(page.into_inner()).into_iter(),
            }
        }
    }
}

/// Why paging stopped early.
#[derive(Debug)]
#[non_exhaustive]
pub enum PageError<E> {
    /// The call for the page at `offset` failed.
    Operation { error: Error<E>, offset: i64 },
    /// The page at `offset` repeats the previous page: the server ignores the offset, and
    /// paging on would never end.
    NotAdvancing { offset: i64, pages: u32 },
}

impl<E: fmt::Display> fmt::Display for PageError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PageError::Operation { error, offset } => {
                write!(f, "fetching the page at offset {offset} failed: {error}")
            }
            PageError::NotAdvancing { offset, pages } => write!(
                f,
                "the server does not advance: page {pages} (offset {offset}) repeats the previous page"
            ),
        }
    }
}

impl<E: fmt::Debug + std::error::Error + 'static> std::error::Error for PageError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PageError::Operation { error, .. } => Some(error),
            PageError::NotAdvancing { .. } => None,
        }
    }
}
