/* A message's files, as templates/rooms/_attachments.html renders them: images
 * as thumbnails that open the full file, other files as a chip with name, type
 * and size. Names go in as text, never as markup. */
(function (Chat) {
  'use strict';
  if (!Chat.timeline) { return; }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.appendChild(document.createTextNode(text)); }
    return node;
  }

  /* Jinja's filesizeformat, so both renderings read the same: "12 Bytes", "1.5 kB", "2.0 MB". */
  function size(bytes) {
    if (bytes === 1) { return '1 Byte'; }
    if (bytes < 1000) { return bytes + ' Bytes'; }
    var prefixes = ['kB', 'MB', 'GB', 'TB'];
    for (var i = 0; i < prefixes.length; i++) {
      var unit = Math.pow(1000, i + 2);
      if (bytes < unit || i === prefixes.length - 1) { return (1000 * bytes / unit).toFixed(1) + ' ' + prefixes[i]; }
    }
    return bytes + ' Bytes';
  }

  function item(file) {
    var li, link;
    if (file.thumbnail_url) {
      li = el('li', 'attachment image');
      link = el('a');
      link.setAttribute('target', '_blank');
      link.setAttribute('rel', 'noopener');
      var img = el('img');
      img.setAttribute('src', file.thumbnail_url);
      img.setAttribute('alt', file.name);
      img.setAttribute('width', file.width);
      img.setAttribute('height', file.height);
      img.setAttribute('loading', 'lazy');
      link.appendChild(img);
    } else {
      li = el('li', 'attachment file');
      link = el('a');
      link.setAttribute('download', file.name);
      link.appendChild(el('span', 'name', file.name));
      link.appendChild(document.createTextNode(' '));
      link.appendChild(el('span', 'type', file.content_type));
      link.appendChild(document.createTextNode(' '));
      link.appendChild(el('span', 'size', size(file.size)));
    }
    link.setAttribute('href', file.url);
    li.appendChild(link);
    return li;
  }

  Chat.timeline.part(function (li, m) {
    if (m.deleted || !m.attachments || !m.attachments.length) { return; }
    var list = el('ul', 'attachments');
    for (var i = 0; i < m.attachments.length; i++) { list.appendChild(item(m.attachments[i])); }
    li.appendChild(list);
  });

  Chat.fileSize = size;
}(window.Chat));
