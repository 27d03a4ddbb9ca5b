/** The dashboard's stream. Not API. */
package io.agentbus.webui.impl;
