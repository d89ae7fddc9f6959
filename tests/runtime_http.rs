//! The HTTP client OSC providers carry with the `http` feature (templates/runtime/http.rs),
//! tested once here against servers on the loopback interface: the body and User-Agent, the
//! cache in front of the network, and the OSC kind of each failure.

#[path = "../templates/runtime/cache.rs"]
mod cache;
#[path = "../templates/runtime/error.rs"]
mod error;
#[path = "../templates/runtime/http.rs"]
mod http;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use cache::Cache;
use error::ErrorKind;
use http::{HttpClient, USER_AGENT};

/// A server on 127.0.0.1 that answers `/person` with a document and anything else with
/// 404, counting requests and keeping each one's User-Agent.
struct Server {
    base: String,
    requests: Arc<AtomicUsize>,
    user_agents: Arc<Mutex<Vec<String>>>,
}

const PERSON: &str = "<person><userID>42</userID></person>";

impl Server {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let user_agents = Arc::new(Mutex::new(Vec::new()));
        let (count, agents) = (Arc::clone(&requests), Arc::clone(&user_agents));
        // Ends with the test process.
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                count.fetch_add(1, Ordering::SeqCst);
                answer(stream, &agents);
            }
        });
        Server {
            base,
            requests,
            user_agents,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

fn answer(stream: TcpStream, user_agents: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).unwrap();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("user-agent")
        {
            user_agents.lock().unwrap().push(value.trim().to_string());
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or_default();
    let (status, body) = match path {
        "/person" => ("200 OK", PERSON),
        _ => ("404 Not Found", "no such person"),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    reader.get_mut().write_all(response.as_bytes()).unwrap();
}

fn client() -> HttpClient {
    HttpClient::with_timeouts(Duration::from_secs(2), Duration::from_millis(300))
}

#[test]
fn a_get_returns_the_body_and_sends_the_user_agent() {
    let server = Server::start();
    assert_eq!(client().get_text(&server.url("/person")).unwrap(), PERSON);
    assert_eq!(client().get_bytes(&server.url("/person")).unwrap(), PERSON.as_bytes());
    assert_eq!(server.requests(), 2);
    let agents = server.user_agents.lock().unwrap();
    assert_eq!(*agents, [USER_AGENT, USER_AGENT]);
    assert!(USER_AGENT.starts_with(concat!("oscgen/", env!("CARGO_PKG_VERSION"), " ")));
    assert!(USER_AGENT.ends_with("(Outlook Social Connector provider)"));
}

#[test]
fn a_second_get_through_the_cache_does_not_reach_the_server() {
    let server = Server::start();
    let cache = Cache::new(Duration::from_secs(60), 16);
    let client = client();
    let url = server.url("/person");
    let first = client.get_cached(&url, &cache).unwrap();
    let second = client.get_cached(&url, &cache).unwrap();
    assert_eq!(&*first, PERSON.as_bytes());
    assert!(Arc::ptr_eq(&first, &second));
    assert_eq!(server.requests(), 1);
}

#[test]
fn a_failure_is_not_cached() {
    let server = Server::start();
    let cache = Cache::new(Duration::from_secs(60), 16);
    let url = server.url("/nobody");
    for _ in 0..2 {
        assert_eq!(
            client().get_cached(&url, &cache).unwrap_err().kind(),
            ErrorKind::NotFound
        );
    }
    assert_eq!(server.requests(), 2);
    assert!(cache.is_empty());
}

#[test]
fn not_found_is_osc_e_not_found_with_the_url_in_the_message() {
    let server = Server::start();
    let url = server.url("/nobody");
    let error = client().get_text(&url).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert_eq!(error.message(), format!("GET {url}: 404 Not Found"));
    assert_eq!(error.to_string(), format!("OSC_E_NOT_FOUND: GET {url}: 404 Not Found"));
}

#[test]
fn each_status_has_the_kind_outlook_acts_on() {
    assert_eq!(http::status_kind(401), ErrorKind::AuthError);
    assert_eq!(http::status_kind(403), ErrorKind::PermissionDenied);
    assert_eq!(http::status_kind(404), ErrorKind::NotFound);
    assert_eq!(http::status_kind(410), ErrorKind::NotFound);
    assert_eq!(http::status_kind(503), ErrorKind::CouldNotConnect);
    assert_eq!(http::status_kind(500), ErrorKind::Fail);
    assert_eq!(http::status_kind(400), ErrorKind::Fail);
}

#[test]
fn a_server_that_never_answers_is_osc_e_couldnotconnect_within_the_timeout() {
    // The kernel accepts connections into the backlog; nothing ever reads them.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/person", listener.local_addr().unwrap());
    let start = Instant::now();
    let error = client().get_text(&url).unwrap_err();
    let elapsed = start.elapsed();
    assert_eq!(error.kind(), ErrorKind::CouldNotConnect, "{error}");
    assert!(
        error
            .to_string()
            .starts_with(&format!("OSC_E_COULDNOTCONNECT: GET {url}: "))
    );
    assert!(elapsed >= Duration::from_millis(250), "gave up after {elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    drop(listener);
}

#[test]
fn a_closed_port_is_osc_e_couldnotconnect() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/person");
    let error = client().get_bytes(&url).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::CouldNotConnect, "{error}");
    assert!(error.message().contains(&url));
}
