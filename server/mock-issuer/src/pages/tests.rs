use super::*;

#[test]
fn script_data_cannot_close_the_script_element() {
    let page = web_message(
        r#"{"state":"</script><script>alert(1)</script>"}"#,
        "http://localhost:3000",
        "n0nce",
    )
    .into_string();
    assert!(!page.contains("</script><script>"), "{page}");
    assert!(page.contains(r#"\u003c/script\u003e"#), "{page}");
    assert!(page.contains(r#"nonce="n0nce""#));
}
